// Package signer signs Alibaba Cloud API requests. It is pure: the time,
// the nonce and the credentials are arguments, and nothing here reads the
// clock, makes randomness or does I/O. The kms and sae clients use it on
// every attempt; a user needs it only to compare signatures by hand, to
// write a fake server, or to match errors by class ([ErrThrottled],
// [ErrInvalidCredentials], ...).
//
// # Three signature layouts
//
// RPC v1 ([SignRPC]; "signature method V2" in Alibaba's current docs) is
// KMS with [V1]. The signature goes in the query as Signature:
//
//	StringToSign = METHOD + "&%2F&" + PercentEncode(CanonicalQuery(every other parameter))
//	Signature    = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
//
// ROA v1 ([SignROA]) is SAE with [V1]:
//
//	StringToSign = METHOD\nAccept\nContent-MD5\nContent-Type\nDate\n + x-acs-* headers + resource
//	Signature    = base64(HMAC-SHA1(AccessKeySecret, StringToSign))
//	Authorization: acs <AccessKeyId>:<Signature>
//
// ACS3-HMAC-SHA256 ([SignACS3]; "signature method V3") is both services
// with [V3], and what Alibaba's current official SDKs send:
//
//	CanonicalRequest = METHOD\nPATH\nCanonicalQuery\nCanonicalHeaders\nSignedHeaders\nhex(SHA256(body))
//	StringToSign     = "ACS3-HMAC-SHA256\n" + hex(SHA256(CanonicalRequest))
//	Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
//	Authorization: ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<h1;h2>,Signature=<Signature>
//
// Each stage is exported so that its output can be printed and compared:
// [CanonicalQuery], [RPCStringToSign] and [RPCSignature];
// [ROACanonicalHeaders], [ROACanonicalResource], [ROAStringToSign] and
// [ROASignature]; [ACS3CanonicalRequest], [ACS3StringToSign] and
// [ACS3Signature].
//
// # Chasing SignatureDoesNotMatch
//
// When the service rejects a signature it answers SignatureDoesNotMatch
// (or IncompleteSignature), and for RPC v1 it quotes the string it signed.
// Take it with [APIError.ServerStringToSign] and compare it, character by
// character, with [RPCStringToSign] of your own request ([ROAStringToSign]
// or [ACS3StringToSign] for the other layouts); the package example shows
// how. The first difference names the culprit: usually a parameter encoded
// differently ([PercentEncode] leaves only A-Z a-z 0-9 - _ . ~ literal), a
// header the gateway saw with another value, or a proxy that rewrote the
// path. If the strings match, the secret is wrong. Errors never contain
// the secret, the security token or the signature itself.
package signer
