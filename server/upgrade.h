// server/upgrade.h — the connection handed to a WebSocket route (includes Boost.Beast).
//
// When a request asks for a WebSocket upgrade on a route whose RouteSpec has an `upgrade`
// handler, the transport runs routing, rate limits and the dialect's authentication, then
// moves the TCP stream (with any bytes already read) and the parsed upgrade request into an
// UpgradedStream and calls the handler, which owns the connection from then on (e.g.
// boost::beast::websocket::stream<tcp_stream>{std::move(stream)} and async_accept(request)).
// Upgrade requests on routes without an upgrade handler get 426 in the dialect's format.
//
// Thread-safety: owned by one connection object.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace mc::server {

struct UpgradedStream {
  boost::beast::tcp_stream stream;
  boost::beast::http::request<boost::beast::http::string_body> request;
  boost::beast::flat_buffer buffer;
};

}  // namespace mc::server
