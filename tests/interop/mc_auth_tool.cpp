// mc_auth_tool: the C++ side of the Node.js interop tests. Reads one JSON request, or an array
// of them, on stdin and prints the result(s) as JSON on stdout. Each request names an "op":
//   eip191_verify  {message, signature, address}              → {ok, detail}
//   siwe_verify    {message, signature, domain, now_ms}       → {ok, detail, address, nonce}
//   webhook_sign   {scheme, secret, body, timestamp_s, msg_id} → {header}
//   webhook_verify {scheme, secret, body, header, timestamp_s, msg_id, now_ms} → {ok, detail}
//   jwt_issue      {key, sub, iss, aud, iat, exp}              → {token}
//   jwt_verify     {alg, key | public_key_pem, token, now_ms, iss, aud} → {ok, detail, sub}
//   e2ee_keypair   {}                                          → {private_key, public_key}
//   e2ee_encrypt   {public_key, plaintext}                     → {ciphertext, iv,
//   ephemeralPublicKey} e2ee_decrypt   {private_key, ciphertext, iv, ephemeralPublicKey} → {ok,
//   detail, plaintext}
// schemes: "hex", "sha256", "stripe", "standard". Test-only; never part of the server.
#include <simdjson.h>

#include <iostream>
#include <iterator>
#include <string>

#include "json/json_writer.h"
#include "marketcore/e2ee.h"
#include "marketcore/ethereum.h"
#include "marketcore/jwt.h"
#include "marketcore/siwe.h"
#include "marketcore/webhook_signatures.h"

namespace {

using mc::json::JsonWriter;
using simdjson::dom::element;

std::string text(element request, const char* key) {
  std::string_view value;
  if (request[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

int64_t number(element request, const char* key) {
  int64_t value = 0;
  if (request[key].get_int64().get(value) != simdjson::SUCCESS) return 0;
  return value;
}

void write_status(JsonWriter& out, const mc::Status& status) {
  out.key("ok").value(status.ok());
  out.key("detail").value(status.detail());
}

void webhook_sign(element request, JsonWriter& out) {
  const std::string scheme = text(request, "scheme");
  const std::string secret = text(request, "secret");
  const std::string body = text(request, "body");
  std::string header;
  if (scheme == "hex") header = mc::auth::sign_body_hex(secret, body);
  if (scheme == "sha256") header = mc::auth::sign_body_sha256_prefixed(secret, body);
  if (scheme == "stripe")
    header = mc::auth::sign_stripe(secret, body, number(request, "timestamp_s"));
  if (scheme == "standard") {
    auto signed_header = mc::auth::sign_standard_webhook(secret, text(request, "msg_id"),
                                                         number(request, "timestamp_s"), body);
    if (signed_header.ok()) header = *signed_header;
  }
  out.key("header").value(header);
}

void webhook_verify(element request, JsonWriter& out) {
  const std::string scheme = text(request, "scheme");
  const std::string secret = text(request, "secret");
  const std::string body = text(request, "body");
  const std::string header = text(request, "header");
  const int64_t now_ms = number(request, "now_ms");
  mc::Status status = mc::invalid_argument("unknown_scheme", scheme);
  if (scheme == "hex") status = mc::auth::verify_body_hex(secret, body, header);
  if (scheme == "sha256") status = mc::auth::verify_body_sha256_prefixed(secret, body, header);
  if (scheme == "stripe") status = mc::auth::verify_stripe_signature(secret, body, header, now_ms);
  if (scheme == "standard") {
    status = mc::auth::verify_standard_webhook(secret, text(request, "msg_id"),
                                               std::to_string(number(request, "timestamp_s")),
                                               header, body, now_ms);
  }
  write_status(out, status);
}

void jwt_verify(element request, JsonWriter& out) {
  const std::string alg = text(request, "alg");
  mc::auth::JwtValidation validation{text(request, "iss"), text(request, "aud")};
  mc::Result<mc::auth::JwtClaims> claims = mc::Status();
  if (alg == "HS256") {
    auto jwt = mc::auth::JwtHs256::create(text(request, "key"));
    claims = jwt.ok() ? jwt->verify(text(request, "token"), number(request, "now_ms"), validation)
                      : mc::Result<mc::auth::JwtClaims>(jwt.status());
  } else {
    auto verifier = mc::auth::JwtPublicKeyVerifier::from_pem(
        text(request, "public_key_pem"), alg == "RS256" ? mc::auth::JwtPublicKeyAlgorithm::rs256
                                                        : mc::auth::JwtPublicKeyAlgorithm::es256);
    claims = verifier.ok()
                 ? verifier->verify(text(request, "token"), number(request, "now_ms"), validation)
                 : mc::Result<mc::auth::JwtClaims>(verifier.status());
  }
  write_status(out, claims.status());
  if (claims.ok()) out.key("sub").value(claims->subject);
}

void jwt_issue(element request, JsonWriter& out) {
  auto jwt = mc::auth::JwtHs256::create(text(request, "key"));
  mc::auth::JwtClaims claims;
  claims.subject = text(request, "sub");
  claims.issuer = text(request, "iss");
  if (!text(request, "aud").empty()) claims.audience = {text(request, "aud")};
  claims.issued_at_s = number(request, "iat");
  claims.expires_at_s = number(request, "exp");
  auto token = jwt.ok() ? jwt->issue(claims) : mc::Result<std::string>(jwt.status());
  out.key("token").value(token.ok() ? *token : "");
}

void e2ee(const std::string& op, element request, JsonWriter& out) {
  if (op == "e2ee_keypair") {
    auto pair = mc::e2ee::generate_key_pair();
    out.key("private_key").value(pair.ok() ? pair->private_key_b64 : "");
    out.key("public_key").value(pair.ok() ? pair->public_key_b64 : "");
  } else if (op == "e2ee_encrypt") {
    auto blob =
        mc::e2ee::encrypt_credential(text(request, "public_key"), text(request, "plaintext"));
    write_status(out, blob.status());
    if (!blob.ok()) return;
    out.key("ciphertext").value(blob->ciphertext_b64);
    out.key("iv").value(blob->iv_b64);
    out.key("ephemeralPublicKey").value(blob->ephemeral_public_key_b64);
  } else {
    auto plain = mc::e2ee::decrypt_credential(
        text(request, "private_key"),
        {text(request, "ciphertext"), text(request, "iv"), text(request, "ephemeralPublicKey")});
    write_status(out, plain.status());
    if (plain.ok()) out.key("plaintext").value(*plain);
  }
}

void handle(element request, JsonWriter& out) {
  const std::string op = text(request, "op");
  out.begin_object();
  if (op == "eip191_verify") {
    write_status(out,
                 mc::eth::verify_personal_sign(text(request, "message"), text(request, "signature"),
                                               text(request, "address")));
  } else if (op == "siwe_verify") {
    const std::string message = text(request, "message");
    auto parsed = mc::auth::parse_siwe_message(message);
    mc::Status status = parsed.status();
    if (parsed.ok()) {
      const std::string domain = text(request, "domain");
      mc::auth::SiweChecks checks{domain, std::nullopt, number(request, "now_ms"), std::nullopt};
      status = mc::auth::verify_siwe(*parsed, message, text(request, "signature"), checks);
      out.key("address").value(parsed->address);
      out.key("nonce").value(parsed->nonce);
    }
    write_status(out, status);
  } else if (op == "webhook_sign") {
    webhook_sign(request, out);
  } else if (op == "webhook_verify") {
    webhook_verify(request, out);
  } else if (op == "jwt_issue") {
    jwt_issue(request, out);
  } else if (op == "jwt_verify") {
    jwt_verify(request, out);
  } else if (op.rfind("e2ee_", 0) == 0) {
    e2ee(op, request, out);
  } else {
    write_status(out, mc::invalid_argument("unknown_op", op));
  }
  out.end_object();
}

}  // namespace

int main() {
  const std::string input((std::istreambuf_iterator<char>(std::cin)),
                          std::istreambuf_iterator<char>());
  simdjson::dom::parser parser;
  element document;
  if (parser.parse(input).get(document) != simdjson::SUCCESS) {
    std::cerr << "mc_auth_tool: input is not JSON\n";
    return 2;
  }
  JsonWriter out;
  simdjson::dom::array requests;
  if (document.get_array().get(requests) == simdjson::SUCCESS) {
    out.begin_array();
    for (element request : requests) handle(request, out);
    out.end_array();
  } else {
    handle(document, out);
  }
  std::cout << out.text() << "\n";
  return 0;
}
