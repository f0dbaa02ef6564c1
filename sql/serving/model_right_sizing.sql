-- One row per month, task type, risk grade and model: cost per accepted action of the actions each
-- model served, beside the best model of the same task type and risk grade, with the dollars at
-- stake and the paradox marked (cheaper per token, dearer per accepted action). Source:
-- marts.model_right_sizing. Answers "which model should serve this kind of work".
-- @partition_by month
-- @republish from_window
CREATE OR REPLACE VIEW serving.model_right_sizing AS
SELECT * FROM marts.model_right_sizing
