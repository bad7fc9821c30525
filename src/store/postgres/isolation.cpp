// parse_store_url and begin_write_sql (see isolation.h).
#include "store/postgres/isolation.h"

#include <vector>

namespace mc::store::postgres {

Result<StoreUrl> parse_store_url(std::string_view url) {
  StoreUrl out;
  const size_t query = url.find('?');
  if (query == std::string_view::npos) {
    out.libpq_url = std::string(url);
    return out;
  }
  out.libpq_url = std::string(url.substr(0, query));
  std::vector<std::string_view> kept;
  std::string_view rest = url.substr(query + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    constexpr std::string_view kKey = "mc_isolation=";
    if (!pair.starts_with(kKey)) {
      if (!pair.empty()) kept.push_back(pair);
      continue;
    }
    const std::string_view value = pair.substr(kKey.size());
    if (value == "serializable") {
      out.isolation = Isolation::serializable;
    } else if (value == "read_committed") {
      out.isolation = Isolation::read_committed;
    } else {
      return invalid_argument("store_path_invalid",
                              "mc_isolation is serializable or read_committed", "path");
    }
  }
  for (size_t i = 0; i < kept.size(); ++i) {
    out.libpq_url += i == 0 ? '?' : '&';
    out.libpq_url += kept[i];
  }
  return out;
}

const std::string& begin_write_sql(Isolation isolation) {
  static const std::string serializable = "BEGIN ISOLATION LEVEL SERIALIZABLE";
  static const std::string read_committed = "BEGIN ISOLATION LEVEL READ COMMITTED";
  return isolation == Isolation::read_committed ? read_committed : serializable;
}

}  // namespace mc::store::postgres
