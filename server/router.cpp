// server/router.cpp — prefix mounts and segment-wise pattern matching.
#include "router.h"

#include <algorithm>

#include "dialect.h"
#include "errors.h"

namespace mc::server {

std::string_view PathParams::get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return {};
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.empty()) return segments;
  while (true) {
    const size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

namespace {

std::string normalize_prefix(std::string prefix) {
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return prefix;
}

bool path_has_prefix(std::string_view path, std::string_view prefix) {
  if (prefix.empty()) return true;
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

bool segments_match(const MountedRoute& route, const std::vector<std::string_view>& path,
                    PathParams* params) {
  if (route.segments.size() != path.size()) return false;
  for (size_t i = 0; i < path.size(); ++i) {
    const std::string& pattern = route.segments[i];
    if (!pattern.empty() && pattern.front() == ':') {
      if (path[i].empty()) return false;
      if (params != nullptr) params->add(pattern.substr(1), std::string(path[i]));
    } else if (pattern != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status Router::mount(std::string prefix, std::shared_ptr<Dialect> dialect, bool exclusive) {
  prefix = normalize_prefix(std::move(prefix));
  if (!prefix.empty() && prefix.front() != '/') {
    return invalid_argument("bad_prefix", "a prefix starts with '/': " + prefix);
  }
  for (const auto& mount : mounts_) {
    if (mount->prefix == prefix && mount->exclusive && exclusive) {
      return invalid_argument("prefix_taken", "two dialects at prefix '" + prefix + "'");
    }
  }
  auto mount = std::make_unique<Mount>();
  mount->prefix = prefix;
  mount->dialect = std::move(dialect);
  mount->exclusive = exclusive;
  for (RouteSpec& spec : mount->dialect->routes(prefix)) {
    if (spec.pattern.empty() || spec.pattern.front() != '/') {
      return invalid_argument("bad_pattern", "a route pattern starts with '/': " + spec.pattern);
    }
    MountedRoute route;
    route.full_pattern = prefix + (spec.pattern == "/" ? "" : spec.pattern);
    if (route.full_pattern.empty()) route.full_pattern = "/";
    for (std::string_view segment : split_path(route.full_pattern)) {
      route.segments.emplace_back(segment);
    }
    route.spec = std::move(spec);
    mount->routes.push_back(std::move(route));
  }
  mounts_.push_back(std::move(mount));
  std::stable_sort(mounts_.begin(), mounts_.end(), [](const auto& a, const auto& b) {
    if (a->prefix.size() != b->prefix.size()) return a->prefix.size() > b->prefix.size();
    return a->exclusive && !b->exclusive;
  });
  return ok_status();
}

const Mount* Router::mount_for(std::string_view path) const {
  for (const auto& mount : mounts_) {
    if (path_has_prefix(path, mount->prefix)) return mount.get();
  }
  return nullptr;
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch result;
  const std::vector<std::string_view> segments = split_path(path);
  // Every mount whose prefix covers the path is searched, longest prefix first, so a dialect
  // mounted at the root does not hide ops routes mounted at their own paths and vice versa.
  bool method_mismatch = false;
  for (const auto& mount : mounts_) {
    if (!path_has_prefix(path, mount->prefix)) continue;
    if (result.mount == nullptr) result.mount = mount.get();
    for (const MountedRoute& route : mount->routes) {
      if (!segments_match(route, segments, nullptr)) continue;
      if (route.spec.method != method && !(method == "HEAD" && route.spec.method == "GET")) {
        method_mismatch = true;
        if (result.path_route == nullptr) result.path_route = &route;
        if (result.route == nullptr) result.mount = mount.get();
        continue;
      }
      result.mount = mount.get();
      result.route = &route;
      segments_match(route, segments, &result.params);
      return result;
    }
  }
  result.error = method_mismatch
                     ? invalid_argument(kDetailMethodNotAllowed,
                                        std::string(method) + " is not allowed on this path")
                     : not_found(kDetailRouteNotFound, "no route for " + std::string(path));
  return result;
}

}  // namespace mc::server
