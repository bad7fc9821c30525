// server/dialects/humanops/multipart.cpp — RFC 7578 parts, enough for one file field.
#include "multipart.h"

#include <cctype>

namespace mc::server::humanops {
namespace {

Status malformed(std::string message) {
  return invalid_argument("invalid_multipart", std::move(message), "file");
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The value of `name=` in a header's parameters (quoted or token), or "".
std::string parameter(std::string_view header, std::string_view name) {
  const std::string lowered = lower(header);
  const std::string key = std::string(name) + "=";
  size_t at = 0;
  while ((at = lowered.find(key, at)) != std::string::npos) {
    const bool boundary_ok = at == 0 || lowered[at - 1] == ';' || lowered[at - 1] == ' ';
    if (!boundary_ok) {
      at += key.size();
      continue;
    }
    size_t start = at + key.size();
    if (start < header.size() && header[start] == '"') {
      const size_t end = header.find('"', start + 1);
      if (end == std::string_view::npos) return "";
      return std::string(header.substr(start + 1, end - start - 1));
    }
    size_t end = header.find(';', start);
    if (end == std::string_view::npos) end = header.size();
    std::string value(header.substr(start, end - start));
    while (!value.empty() && value.back() == ' ') value.pop_back();
    return value;
  }
  return "";
}

}  // namespace

Result<FormFile> multipart_file(std::string_view content_type, std::string_view body,
                                std::string_view field) {
  if (lower(content_type).rfind("multipart/form-data", 0) != 0) {
    return malformed("the upload must be multipart/form-data");
  }
  const std::string boundary = parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) return malformed("multipart boundary missing");
  const std::string delimiter = "--" + boundary;
  size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return malformed("multipart boundary not found");
  while (true) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") break;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return malformed("malformed multipart delimiter");
    at += 2;
    const size_t headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return malformed("malformed multipart headers");
    const std::string_view headers = body.substr(at, headers_end - at);
    const size_t content_start = headers_end + 4;
    const size_t next = body.find("\r\n" + delimiter, content_start);
    if (next == std::string_view::npos) return malformed("multipart part not terminated");
    FormFile file;
    std::string name;
    size_t line_start = 0;
    while (line_start <= headers.size()) {
      size_t line_end = headers.find("\r\n", line_start);
      if (line_end == std::string_view::npos) line_end = headers.size();
      const std::string_view line = headers.substr(line_start, line_end - line_start);
      const size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        const std::string header_name = lower(line.substr(0, colon));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (header_name == "content-disposition") {
          name = parameter(value, "name");
          file.filename = parameter(value, "filename");
        } else if (header_name == "content-type") {
          file.content_type = std::string(value);
        }
      }
      line_start = line_end + 2;
    }
    if (name == field) {
      file.content = std::string(body.substr(content_start, next - content_start));
      return file;
    }
    at = next + 2;
  }
  return invalid_argument("missing_param", "file is required", std::string(field));
}

}  // namespace mc::server::humanops
