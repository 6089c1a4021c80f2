"""The agent inbox: where people take over conversations from the AI."""
