// How a webhook body is built and signed (the scheme is documented for
// receivers in adapters/webhook/README.md): the body is {"events":[...]}, and
// the signature is "sha256=" + lowercase hex HMAC-SHA256(secret, raw body).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace coursecrew::webhook {

// {"events":[s1,s2,...]} around a JSON array of statements ("[s1,s2,...]", as a
// StatementBatch holds them), copied as is.
std::string events_body(std::string_view statements_array);

// Lowercase hex of HMAC-SHA256(key, data); "" if OpenSSL fails.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// The signature header's value: "sha256=" + hmac_sha256_hex(secret, body).
std::string signature_value(std::string_view secret, std::string_view body);

}  // namespace coursecrew::webhook
