// The webhook body and its HMAC-SHA256 signature (OpenSSL).
#include "adapters/webhook/signature.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace coursecrew::webhook {

std::string events_body(std::string_view statements_array) {
    std::string body;
    body.reserve(statements_array.size() + 12);
    body += "{\"events\":";
    body.append(statements_array);
    body += '}';
    return body;
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
    static const unsigned char kNoBytes[1] = {0};
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    const void *key_bytes = key.empty() ? static_cast<const void *>(kNoBytes) : key.data();
    const auto *data_bytes = data.empty() ? kNoBytes : reinterpret_cast<const unsigned char *>(data.data());
    if (!HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()), data_bytes, data.size(), mac,
              &mac_len))
        return {};
    static const char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(mac_len * 2);
    for (unsigned int i = 0; i < mac_len; ++i) {
        hex += kHex[mac[i] >> 4];
        hex += kHex[mac[i] & 0x0F];
    }
    return hex;
}

std::string signature_value(std::string_view secret, std::string_view body) {
    const auto hex = hmac_sha256_hex(secret, body);
    return hex.empty() ? std::string() : "sha256=" + hex;
}

}  // namespace coursecrew::webhook
