-- One row per declared incident penalty of IngestSettings.incident_penalties, in order (temp
-- table incident_penalties): the service (name or id), urgency and priority it applies to ('*'
-- for any) and its amount and currency.
CREATE OR REPLACE TEMP TABLE incident_penalties (
    rule_order INTEGER,
    service VARCHAR,
    urgency VARCHAR,
    priority VARCHAR,
    amount VARCHAR,
    currency VARCHAR
)
