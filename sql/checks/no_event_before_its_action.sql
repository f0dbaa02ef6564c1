-- One row per action event dated before its action's attempt (it decides no outcome): the file
-- and line it was read from and why it was set aside. Source: core.action_events_before_attempt.
-- Read by the no_event_before_its_action check.
SELECT source_file, source_line, reason
FROM core.action_events_before_attempt
ORDER BY source_file, source_line
