-- One row per team (and the fleet) with next month's forecast spend and cost per accepted action,
-- from the run-rate of the last days with data, with its interval. Source: marts.spend_forecast.
-- Answers "what will next month cost".
-- @partition_by forecast_month
-- @republish whole
CREATE OR REPLACE VIEW serving.spend_forecast AS
SELECT * FROM marts.spend_forecast
