// server/errors.cpp — mc::Code → HTTP status, shared by every dialect.
#include "errors.h"

namespace mc::server {
namespace {

// Details whose HTTP status is not their Code's.
constexpr DetailRow<int> kStatusByDetail[] = {
    {kDetailBodyTooLarge, 413},  {kDetailHeaderTooLarge, 431}, {kDetailMethodNotAllowed, 405},
    {"insufficient_funds", 402}, {kDetailOverloaded, 503},
};

}  // namespace

int http_status_for(const Status& status) {
  if (std::optional<int> by_detail = lookup_detail(kStatusByDetail, status.detail())) {
    return *by_detail;
  }
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
      return 409;
    case Code::resource_exhausted:
      return 429;
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
