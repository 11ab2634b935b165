-- Failed runs are recorded too: the error that stopped them (one line; the full traceback is in the log).
ALTER TABLE runs ADD COLUMN error VARCHAR;
