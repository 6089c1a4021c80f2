"""call_model: one call streamed into one typed result, and the audit payload it becomes."""

from __future__ import annotations

from decimal import Decimal

from routing.model_call import ModelCallAudit, call_model
from routing.providers import ProviderRequest
from routing.providers.anthropic import AnthropicProvider

from .provider_doubles import ScriptedProvider

CONTROL = "[[ladder confidence=0.9 answered=yes intent=none]]"
ANSWER = f"{CONTROL}\nShipping takes 3 to 5 business days."


def ask(model: str = "claude-haiku-5-5") -> ProviderRequest:
    return ProviderRequest(
        tier="fast",
        model=model,
        system="You are the support assistant of a test store.",
        messages=[{"role": "user", "content": "How long does shipping take?"}],
    )


async def test_call_reads_the_control_line_off_and_bills_what_the_provider_counted(
    fake_anthropic,
):
    fake_anthropic.script(
        {
            "text": ANSWER,
            "input_tokens": 1000,
            "output_tokens": 200,
            "cache_creation_input_tokens": 0,
        }
    )
    seen: list[str] = []

    async def text_seen(piece: str) -> None:
        seen.append(piece)

    call = await call_model(AnthropicProvider.from_settings(), ask(), on_text=text_seen)
    assert call.error is None
    assert call.text == "Shipping takes 3 to 5 business days."
    assert "".join(seen) == call.text  # the control line is never handed on
    assert (call.control.confidence, call.control.raw) == (0.9, CONTROL)
    assert (call.usage.input_tokens, call.usage.output_tokens) == (1000, 200)
    # Haiku: $0.10 per million input tokens, $0.50 per million output tokens.
    assert call.cost_usd == Decimal("0.0002")
    assert call.stop_reason == "end_turn"
    assert call.provider_first_token_ms is not None


async def test_caller_stopping_at_the_control_line_pays_the_prompt_and_what_arrived():
    provider = ScriptedProvider([f"{CONTROL}\n", "x" * 400], input_tokens=500)

    async def not_worth_reading(control) -> bool:
        return False

    call = await call_model(provider, ask("claude-sonnet-5-5"), on_control=not_worth_reading)
    assert call.stopped_early
    assert call.stop_reason is None
    assert call.text == ""
    # The prompt as Started counted it; the output estimated from the control line's chars.
    assert call.usage.input_tokens == 500
    assert call.usage.output_tokens == (len(CONTROL) + 1 + 3) // 4


async def test_failed_call_is_a_result_with_its_error_not_an_exception(fake_anthropic):
    fake_anthropic.script({"status": 401})
    call = await call_model(AnthropicProvider.from_settings(), ask())
    assert call.error is not None and call.error.kind == "auth"
    assert call.control.valid is False
    assert call.cost_usd == 0
    payload = call.audit(shown=False, time_to_first_token_ms=None)
    assert (payload.error, payload.shown) == ("auth", False)


async def test_model_call_audit_reads_back_what_it_wrote():
    call = await call_model(ScriptedProvider([ANSWER]), ask("claude-sonnet-5-5"))
    payload = call.audit(shown=True, time_to_first_token_ms=42)
    written = {"seq": 3, "answer_seq": 4, **payload.as_audit()}
    assert ModelCallAudit.from_audit(written) == payload
    assert payload.cost == Decimal("0.004")  # 1000 in at $2/M, 200 out at $10/M
