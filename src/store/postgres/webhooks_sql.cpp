// Outgoing webhooks (migration 2): `webhook_endpoints` keeps each endpoint's outbox cursor,
// `webhook_deliveries` one row per (endpoint, event) with its retry state. Status is stored as
// the WebhookDeliveryStatus number, the scheme as the WebhookScheme number, event types as a
// JSON array. Deleting an endpoint only clears `active`, so its deliveries keep their history.
#include <algorithm>

#include "store/postgres/rows.h"
#include "store/postgres/transaction.h"

namespace mc::store::postgres {
namespace {

constexpr std::string_view kEndpointColumns =
    "id, market_id, party_id, url, secret, scheme, signature_header, event_types_json, active, "
    "cursor_sequence, created_at_ms";
constexpr std::string_view kDeliveryColumns =
    "id, endpoint_id, market_id, event_sequence, event_type, status, attempts, "
    "first_attempt_at_ms, next_attempt_at_ms, last_http_status, last_error, created_at_ms, "
    "updated_at_ms";

Result<WebhookEndpoint> read_endpoint(const Statement& s) {
  WebhookEndpoint endpoint;
  endpoint.id = s.column_int64(0);
  endpoint.market_id = s.column_int64(1);
  endpoint.party_id = s.column_optional_int64(2);
  endpoint.url = s.column_text(3);
  endpoint.secret = s.column_text(4);
  MC_TRY_ASSIGN(endpoint.scheme, decode_stored_enum(s.column_int64(5), WebhookScheme::hex,
                                                    "a webhook endpoint's scheme"));
  endpoint.signature_header = s.column_text(6);
  MC_TRY_ASSIGN(endpoint.event_types, decode_string_list(s.column_text(7)));
  endpoint.active = s.column_int64(8) != 0;
  endpoint.cursor_sequence = s.column_int64(9);
  endpoint.created_at_ms = s.column_int64(10);
  return endpoint;
}

Result<WebhookDelivery> read_delivery(const Statement& s) {
  WebhookDelivery delivery;
  delivery.id = s.column_int64(0);
  delivery.endpoint_id = s.column_int64(1);
  delivery.market_id = s.column_int64(2);
  delivery.event_sequence = s.column_int64(3);
  delivery.event_type = s.column_text(4);
  MC_TRY_ASSIGN(delivery.status, decode_stored_enum(s.column_int64(5), WebhookDeliveryStatus::dead,
                                                    "a webhook delivery's status"));
  delivery.attempts = static_cast<int32_t>(s.column_int64(6));
  delivery.first_attempt_at_ms = s.column_int64(7);
  delivery.next_attempt_at_ms = s.column_int64(8);
  delivery.last_http_status = static_cast<int32_t>(s.column_int64(9));
  delivery.last_error = s.column_text(10);
  delivery.created_at_ms = s.column_int64(11);
  delivery.updated_at_ms = s.column_int64(12);
  return delivery;
}

template <typename Row, typename Decode>
Result<std::vector<Row>> collect(Statement& stmt, Decode decode) {
  std::vector<Row> out;
  while (true) {
    MC_TRY_ASSIGN(bool has_row, stmt.step());
    if (!has_row) break;
    MC_TRY_ASSIGN(Row row, decode(stmt));
    out.push_back(std::move(row));
  }
  return out;
}

int64_t status_number(WebhookDeliveryStatus status) {
  return static_cast<int64_t>(status);
}

}  // namespace

Result<WebhookEndpoint> PgTransaction::webhook_endpoint(WebhookEndpointId id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(
                    kEndpointColumns, "webhook_endpoints",
                    std::string("WHERE id = ?1") + std::string(row_lock(" FOR UPDATE")))));
  stmt.bind(1, id);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("webhook_endpoint_not_found", "no such webhook endpoint");
  return read_endpoint(stmt);
}

Result<std::vector<WebhookEndpoint>> PgTransaction::webhook_endpoints(
    MarketId market, std::optional<PartyId> party) {
  std::string tail = "WHERE active = 1";
  if (market != 0) tail += " AND market_id = ?1";
  if (party) tail += " AND party_id = ?2";
  tail += " ORDER BY id";
  tail += row_lock(" FOR UPDATE");
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kEndpointColumns, "webhook_endpoints", tail)));
  if (market != 0) stmt.bind(1, market);
  if (party) stmt.bind(2, *party);
  return collect<WebhookEndpoint>(stmt, read_endpoint);
}

Result<WebhookDelivery> PgTransaction::webhook_delivery(WebhookDeliveryId id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(
                    kDeliveryColumns, "webhook_deliveries",
                    std::string("WHERE id = ?1") + std::string(row_lock(" FOR UPDATE")))));
  stmt.bind(1, id);
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return not_found("webhook_delivery_not_found", "no such webhook delivery");
  return read_delivery(stmt);
}

Result<std::vector<WebhookDelivery>> PgTransaction::webhook_deliveries(
    const WebhookDeliveryFilter& filter) {
  std::string tail = "WHERE market_id = ?1";
  if (filter.party_id) {
    tail += " AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE party_id = ?2)";
  }
  if (filter.endpoint_id) tail += " AND endpoint_id = ?3";
  if (filter.status) tail += " AND status = ?4";
  if (filter.before_id) tail += " AND id < ?5";
  tail += " ORDER BY id DESC LIMIT ?6";
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(select_sql(kDeliveryColumns, "webhook_deliveries", tail)));
  stmt.bind(1, filter.market_id);
  if (filter.party_id) stmt.bind(2, *filter.party_id);
  if (filter.endpoint_id) stmt.bind(3, *filter.endpoint_id);
  if (filter.status) stmt.bind(4, status_number(*filter.status));
  if (filter.before_id) stmt.bind(5, *filter.before_id);
  stmt.bind(6, int64_t{std::clamp(filter.limit, 1, 1000)});
  return collect<WebhookDelivery>(stmt, read_delivery);
}

Result<std::optional<int64_t>> PgTransaction::next_webhook_due_at() {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("SELECT MIN(d.next_attempt_at_ms) FROM webhook_deliveries d "
                                    "JOIN webhook_endpoints e ON e.id = d.endpoint_id "
                                    "WHERE d.status = 0 AND e.active = 1"));
  MC_TRY_ASSIGN(bool has_row, stmt.step());
  if (!has_row) return std::optional<int64_t>();
  return stmt.column_optional_int64(0);
}

Result<WebhookBacklog> PgTransaction::webhook_backlog() {
  WebhookBacklog backlog;
  MC_TRY_ASSIGN(backlog.last_event_sequence, last_event_sequence());
  MC_TRY_ASSIGN(Statement cursor, connection_.prepare("SELECT MIN(cursor_sequence) FROM "
                                                      "webhook_endpoints WHERE active = 1"));
  MC_TRY_ASSIGN(bool has_cursor, cursor.step());
  const std::optional<int64_t> cursor_min =
      has_cursor ? cursor.column_optional_int64(0) : std::nullopt;
  backlog.cursor_sequence_min = cursor_min.value_or(backlog.last_event_sequence);
  MC_TRY_ASSIGN(Statement counts,
                connection_.prepare("SELECT COUNT(*) FILTER (WHERE status = 0), "
                                    "COUNT(*) FILTER (WHERE status = 2), "
                                    "MIN(CASE WHEN status = 0 THEN created_at_ms END) "
                                    "FROM webhook_deliveries WHERE status IN (0, 2)"));
  MC_TRY_ASSIGN(bool has_counts, counts.step());
  if (has_counts) {
    backlog.pending = counts.column_int64(0);
    backlog.dead = counts.column_int64(1);
    backlog.oldest_pending_created_at_ms = counts.column_optional_int64(2).value_or(0);
  }
  return backlog;
}

Result<WebhookEndpointId> PgTransaction::insert_webhook_endpoint(const WebhookEndpoint& endpoint) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("INSERT INTO webhook_endpoints (market_id, party_id, url, "
                                    "secret, scheme, signature_header, event_types_json, active, "
                                    "cursor_sequence, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, "
                                    "?6, ?7, ?8, ?9, ?10) RETURNING id"));
  stmt.bind(1, endpoint.market_id).bind(2, endpoint.party_id).bind(3, endpoint.url);
  stmt.bind(4, endpoint.secret).bind(5, static_cast<int64_t>(endpoint.scheme));
  stmt.bind(6, endpoint.signature_header).bind(7, encode_string_list(endpoint.event_types));
  stmt.bind(8, int64_t{endpoint.active ? 1 : 0}).bind(9, endpoint.cursor_sequence);
  stmt.bind(10, endpoint.created_at_ms != 0 ? endpoint.created_at_ms : now_ms_);
  return stmt.run_returning_id();
}

Status PgTransaction::set_webhook_endpoint_cursor(WebhookEndpointId id, int64_t cursor_sequence) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("UPDATE webhook_endpoints SET cursor_sequence = "
                                    "GREATEST(cursor_sequence, ?2) WHERE id = ?1"));
  stmt.bind(1, id).bind(2, cursor_sequence);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) return not_found("webhook_endpoint_not_found", "no such webhook endpoint");
  return ok_status();
}

Status PgTransaction::deactivate_webhook_endpoint(WebhookEndpointId id) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("UPDATE webhook_endpoints SET active = 0 WHERE id = ?1"));
  stmt.bind(1, id);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) return not_found("webhook_endpoint_not_found", "no such webhook endpoint");
  return ok_status();
}

Result<bool> PgTransaction::insert_webhook_delivery(const WebhookDelivery& delivery) {
  MC_TRY_ASSIGN(
      Statement stmt,
      connection_.prepare("INSERT INTO webhook_deliveries (endpoint_id, "
                          "market_id, event_sequence, event_type, status, attempts, "
                          "first_attempt_at_ms, next_attempt_at_ms, last_http_status, "
                          "last_error, created_at_ms, updated_at_ms) VALUES (?1, ?2, "
                          "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11) ON CONFLICT DO NOTHING"));
  stmt.bind(1, delivery.endpoint_id).bind(2, delivery.market_id);
  stmt.bind(3, delivery.event_sequence).bind(4, delivery.event_type);
  stmt.bind(5, status_number(delivery.status)).bind(6, int64_t{delivery.attempts});
  stmt.bind(7, delivery.first_attempt_at_ms).bind(8, delivery.next_attempt_at_ms);
  stmt.bind(9, int64_t{delivery.last_http_status}).bind(10, delivery.last_error);
  stmt.bind(11, delivery.created_at_ms != 0 ? delivery.created_at_ms : now_ms_);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  return changed == 1;
}

Result<std::vector<WebhookDelivery>> PgTransaction::due_webhook_deliveries(int32_t limit) {
  // Under READ COMMITTED two servers claiming at once take disjoint rows (SKIP LOCKED); a row
  // claimed and committed meanwhile is re-checked by FOR UPDATE and is no longer due.
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare(
                    select_sql(kDeliveryColumns, "webhook_deliveries",
                               std::string("WHERE status = 0 AND next_attempt_at_ms <= ?1 AND "
                                           "endpoint_id IN (SELECT id FROM webhook_endpoints WHERE "
                                           "active = 1) ORDER BY next_attempt_at_ms, id LIMIT ?2") +
                                   std::string(row_lock(" FOR UPDATE SKIP LOCKED")))));
  stmt.bind(1, now_ms_).bind(2, int64_t{std::clamp(limit, 1, 1000)});
  return collect<WebhookDelivery>(stmt, read_delivery);
}

Status PgTransaction::update_webhook_delivery(const WebhookDelivery& delivery) {
  MC_TRY_ASSIGN(Statement stmt,
                connection_.prepare("UPDATE webhook_deliveries SET status = ?2, attempts = ?3, "
                                    "first_attempt_at_ms = ?4, next_attempt_at_ms = ?5, "
                                    "last_http_status = ?6, last_error = ?7, updated_at_ms = ?8 "
                                    "WHERE id = ?1"));
  stmt.bind(1, delivery.id).bind(2, status_number(delivery.status));
  stmt.bind(3, int64_t{delivery.attempts}).bind(4, delivery.first_attempt_at_ms);
  stmt.bind(5, delivery.next_attempt_at_ms).bind(6, int64_t{delivery.last_http_status});
  stmt.bind(7, delivery.last_error).bind(8, now_ms_);
  MC_TRY_ASSIGN(int64_t changed, stmt.run());
  if (changed == 0) return not_found("webhook_delivery_not_found", "no such webhook delivery");
  return ok_status();
}

Result<int64_t> PgTransaction::purge_webhook_deliveries(int64_t before_ms) {
  MC_TRY_ASSIGN(Statement stmt, connection_.prepare("DELETE FROM webhook_deliveries WHERE "
                                                    "status = 1 AND updated_at_ms < ?1"));
  stmt.bind(1, before_ms);
  return stmt.run();
}

}  // namespace mc::store::postgres
