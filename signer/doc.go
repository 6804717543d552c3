// Package signer signs Alibaba Cloud API requests. It is pure: the time, the
// nonce and the credentials are arguments, and nothing here reads the clock,
// makes randomness or does I/O. The kms and sae clients use it on every
// attempt; a user needs it only to compare signatures by hand, to write a
// fake server, or to match errors by class ([ErrThrottled], ...).
//
// # Three signature layouts
//
// RPC v1 ([SignRPC]; "signature method V2" in Alibaba's docs) is KMS with
// [V1]. ROA v1 ([SignROA]) is SAE with [V1]. ACS3-HMAC-SHA256 ([SignACS3];
// "signature method V3"), what Alibaba's current official SDKs send, is both
// services with [V3]. Each stage is exported, so that its output can be
// printed and compared: [CanonicalQuery], [RPCStringToSign], [RPCSignature];
// [ROACanonicalHeaders], [ROACanonicalResource], [ROAStringToSign],
// [ROASignature]; [ACS3CanonicalRequest], [ACS3StringToSign], [ACS3Signature].
//
// # Chasing SignatureDoesNotMatch
//
// The service's answer quotes the string it signed: take it with
// [APIError.ServerStringToSign] and compare it with [RPCStringToSign] (or
// [ROAStringToSign], [ACS3StringToSign]) of your own request, as the package
// example does. The first difference names the culprit: usually a parameter
// encoded differently ([PercentEncode]), a header the gateway saw with
// another value, or a proxy that rewrote the path. If the strings match, the
// secret is wrong. Errors never contain the secret, the security token or
// the signature.
package signer
