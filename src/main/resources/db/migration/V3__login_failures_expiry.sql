-- login_failures rows expire (docs/security.md): the periodic sweep finds old windows by this index.
CREATE INDEX login_failures_window_start ON login_failures (window_start);
