// server/errors.cpp — mc::Code → HTTP status, shared by every dialect.
#include "errors.h"

namespace mc::server {

int http_status_for(const Status& status) {
  const std::string& detail = status.detail();
  if (detail == kDetailBodyTooLarge) return 413;
  if (detail == kDetailHeaderTooLarge) return 431;
  if (detail == kDetailMethodNotAllowed) return 405;
  switch (status.code()) {
    case Code::ok:
      return 200;
    case Code::invalid_argument:
    case Code::out_of_range:
      return 400;
    case Code::unauthenticated:
      return 401;
    case Code::permission_denied:
      return 403;
    case Code::not_found:
      return 404;
    case Code::already_exists:
    case Code::aborted:
      return 409;
    case Code::failed_precondition:
      return detail == "insufficient_funds" ? 402 : 409;
    case Code::resource_exhausted:
      return detail == kDetailOverloaded ? 503 : 429;
    case Code::unavailable:
    case Code::deadline_exceeded:
      return 503;
    case Code::internal:
    case Code::data_loss:
      return 500;
  }
  return 500;
}

}  // namespace mc::server
