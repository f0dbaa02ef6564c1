-- One row per physical line of a CSV file (_physical), in order, written out as a file for the
-- reader to read again: the line as written, or an empty line where it holds a stray quote
-- (_stray_lines), so that lines keep their numbers. Written with no quoting, so each line is
-- written exactly as it reads.
COPY (
    SELECT CASE WHEN n IN (SELECT n FROM _stray_lines) THEN NULL ELSE line END
    FROM _physical
    ORDER BY n
) TO {cleaned_file} (FORMAT csv, HEADER false, DELIMITER chr(31), QUOTE chr(30), ESCAPE chr(30))
