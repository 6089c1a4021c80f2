"""Conversations: the customer chat, its messages, the state machine and the audit trail."""
