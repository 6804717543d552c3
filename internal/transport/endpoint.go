package transport

import (
	"net/url"
	"strings"
)

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ResolveEndpoint returns the scheme and host requests go to.
//
// With endpoint set, it is either a base URL ("https://host", "http://127.0.0.1:8080";
// an optional trailing "/", no path, query, fragment or user info) or a bare
// host[:port], which means https; region and network are then not used.
// Otherwise the host is "<product>.<region>.aliyuncs.com", or
// "<product>-vpc.<region>.aliyuncs.com" with network "vpc", over https.
// Errors match signer.ErrInvalidInput and name the option at fault.
func ResolveEndpoint(product, region, network, endpoint string) (scheme, host string, err error) {
	if endpoint != "" {
		return parseEndpoint(endpoint)
	}
	if region == "" {
		return "", "", optionError("Region", "empty, and %s is not set either", RegionEnv)
	}
	if !validToken(region) {
		return "", "", optionError("Region", "%q is not a region id (letters, digits, - and _)", region)
	}
	switch network {
	case "", "public":
		return "https", product + "." + region + ".aliyuncs.com", nil
	case "vpc":
		return "https", product + "-vpc." + region + ".aliyuncs.com", nil
	}
	return "", "", optionError("Network", "%q is not \"\" (public) or \"vpc\"", network)
}

// parseEndpoint reads Options.Endpoint: a base URL or a bare host[:port].
func parseEndpoint(endpoint string) (scheme, host string, err error) {
	if !strings.Contains(endpoint, "://") {
		if strings.ContainsAny(endpoint, "/?#@ \t\r\n\\") {
			return "", "", optionError("Endpoint", "%q is neither a base URL nor a host", endpoint)
		}
		u, err := url.Parse("https://" + endpoint)
		if err != nil || u.Hostname() == "" {
			return "", "", optionError("Endpoint", "%q is not a valid host", endpoint)
		}
		return "https", u.Host, nil
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", "", optionError("Endpoint", "%q is not a valid URL", endpoint)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http":
		return "", "", optionError("Endpoint", "scheme %q is not http or https", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return "", "", optionError("Endpoint", "%q has no host", endpoint)
	case u.User != nil:
		return "", "", optionError("Endpoint", "user info is not allowed")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.Opaque != "":
		return "", "", optionError("Endpoint", "%q must be a base URL without path, query or fragment", u.Redacted())
	}
	return u.Scheme, u.Host, nil
}
