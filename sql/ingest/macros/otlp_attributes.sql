-- One macro, not a model: otlp_attributes(attributes) is an OTLP/JSON attribute list
-- ([{"key": k, "value": {"stringValue" | "intValue" | "doubleValue" | "boolValue" | "arrayValue"
-- | "kvlistValue": v}}]) as one JSON object {k: v}; {} when the list is missing. An intValue
-- written as a string (proto3 JSON writes 64-bit integers so) stays that string; the readers
-- take the text either way. A key written twice keeps its first value.
CREATE OR REPLACE MACRO otlp_attributes(attributes) AS (
    json(
        '{' || COALESCE(
            array_to_string(
                list_transform(
                    json_extract(attributes, '$[*]'),
                    lambda a: to_json(json_extract_string(a, '$.key')) || ':' || COALESCE(
                        json_extract(a, '$.value.stringValue'),
                        json_extract(a, '$.value.intValue'),
                        json_extract(a, '$.value.doubleValue'),
                        json_extract(a, '$.value.boolValue'),
                        json_extract(a, '$.value.arrayValue'),
                        json_extract(a, '$.value.kvlistValue'),
                        'null'
                    )
                ),
                ','
            ),
            ''
        ) || '}'
    )
)
