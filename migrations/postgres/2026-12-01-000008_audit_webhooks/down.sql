DROP TABLE webhook_deliveries; DROP TABLE outbox_events; DROP TABLE webhook_endpoints; DROP TABLE audit_events;
