"""The customer widget: the embeddable script, its demo page and the websocket route."""
