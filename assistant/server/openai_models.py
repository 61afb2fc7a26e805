"""The OpenAI chat-completions wire protocol, as far as `/v1/chat/completions` speaks it: what
the official `openai` client sends and reads, plus our extensions (filters in, citations out)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.schemas import Citation, Filters


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        if isinstance(self.content, list):
            return "\n".join(
                str(p.get("text", ""))
                for p in self.content
                if isinstance(p, dict) and p.get("type") == "text"
            )
        return ""


class ChatCompletionRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, top_p... are accepted and ignored

    model: str = "camnang"
    messages: list[ChatMessage] = Field(min_length=1, max_length=100)
    stream: bool = False
    filters: Filters | None = Field(None, description="extension: restrict the sources")


class ChatChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatChoiceMessage
    finish_reason: Literal["stop"] = "stop"


class ChatUsage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: ChatUsage = Field(default_factory=ChatUsage)
    citations: list[Citation] = Field(
        default_factory=list, description="extension: structured sources"
    )
    answer_id: str = ""
    refused: bool = False
