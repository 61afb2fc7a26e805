"""👍/👎 on an answer, with an optional comment: what the gap report is made of."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.server.deps import Reader, ServiceDep
from assistant.server.errors import READER_ERRORS
from assistant.server.models import FeedbackRequest, FeedbackResponse

router = APIRouter(tags=["hỏi đáp"], responses=READER_ERRORS)


@router.post("/v1/feedback", response_model=FeedbackResponse, status_code=201)
def feedback(body: FeedbackRequest, principal: Reader, service: ServiceDep) -> FeedbackResponse:
    return service.feedback(body, principal=principal)
