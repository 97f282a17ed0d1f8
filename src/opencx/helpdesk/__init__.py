"""helpdesk slice: cases, queues, SLAs, live chat, self-service catalog, agent quality."""
