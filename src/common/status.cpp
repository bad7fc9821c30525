// Names, transience and shorthand constructors for mc::Status.
#include "marketcore/status.h"

namespace mc {

std::string_view code_name(Code code) {
  switch (code) {
    case Code::ok:
      return "ok";
    case Code::invalid_argument:
      return "invalid_argument";
    case Code::not_found:
      return "not_found";
    case Code::already_exists:
      return "already_exists";
    case Code::permission_denied:
      return "permission_denied";
    case Code::unauthenticated:
      return "unauthenticated";
    case Code::failed_precondition:
      return "failed_precondition";
    case Code::aborted:
      return "aborted";
    case Code::out_of_range:
      return "out_of_range";
    case Code::resource_exhausted:
      return "resource_exhausted";
    case Code::unavailable:
      return "unavailable";
    case Code::internal:
      return "internal";
    case Code::deadline_exceeded:
      return "deadline_exceeded";
    case Code::data_loss:
      return "data_loss";
  }
  return "unknown";
}

bool code_is_transient(Code code) {
  switch (code) {
    case Code::aborted:
    case Code::resource_exhausted:
    case Code::unavailable:
    case Code::deadline_exceeded:
      return true;
    default:
      return false;
  }
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  std::string text(code_name(code_));
  text += "/" + detail_ + ": " + message_;
  if (!param_.empty()) text += " (param " + param_ + ")";
  return text;
}

Status invalid_argument(std::string detail, std::string message, std::string param) {
  return Status(Code::invalid_argument, std::move(detail), std::move(message), std::move(param));
}
Status not_found(std::string detail, std::string message) {
  return Status(Code::not_found, std::move(detail), std::move(message));
}
Status failed_precondition(std::string detail, std::string message) {
  return Status(Code::failed_precondition, std::move(detail), std::move(message));
}
Status permission_denied(std::string detail, std::string message) {
  return Status(Code::permission_denied, std::move(detail), std::move(message));
}
Status unauthenticated(std::string detail, std::string message) {
  return Status(Code::unauthenticated, std::move(detail), std::move(message));
}
Status aborted(std::string detail, std::string message) {
  return Status(Code::aborted, std::move(detail), std::move(message));
}
Status out_of_range(std::string detail, std::string message, std::string param) {
  return Status(Code::out_of_range, std::move(detail), std::move(message), std::move(param));
}
Status internal_error(std::string detail, std::string message) {
  return Status(Code::internal, std::move(detail), std::move(message));
}

}  // namespace mc
