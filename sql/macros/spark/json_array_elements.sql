-- Spark's form of json_array_elements(json_text) (sql/macros/json_array_elements.sql): from_json
-- with an array of strings keeps each element's JSON text, objects included.
FROM_JSON(json_text, 'array<string>')
