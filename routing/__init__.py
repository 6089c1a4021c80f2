"""Deciding who answers: intent rules, confidence, policy, prices and the model providers.

Nothing here renders a page or speaks to a socket; it takes data and returns data.
"""
