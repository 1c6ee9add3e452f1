DROP TABLE workflow_usage;
