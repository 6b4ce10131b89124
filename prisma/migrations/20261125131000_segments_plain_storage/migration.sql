-- API (issue 6): keep segment vectors inline. A 512-d vector (2 KB) is just over the TOAST threshold, so by default
-- each one went to the TOAST table (after a futile compression attempt) and every exact scan and result row paid
-- an extra lookup per segment. PLAIN fits up to the 2000 dimensions model_versions allows in one 8 KB page.
ALTER TABLE segments ALTER COLUMN embedding SET STORAGE PLAIN;
