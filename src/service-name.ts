/** This server's name wherever it shows: log lines, pg_stat_activity's application_name, traces. */
export const SERVICE_NAME = 'interview-sessions-api';
