-- One macro, not a model: json_array_elements(json_text) is the list of the elements of a JSON
-- array held as text, each element as JSON text (objects stay objects, read with
-- json_extract_string); NULL when the text is NULL.
CREATE OR REPLACE MACRO json_array_elements(json_text) AS (json_extract(json_text, '$[*]'))
