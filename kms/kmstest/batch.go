package kmstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/alisecret/alisecret-go/internal/fakegw"
)

// maxBatchSecrets is the most secrets one BatchGetSecretValue reads.
const maxBatchSecrets = 20

// batchItem is one item of SecretsList. FetchExtendedConfig is the string
// "true" or "false", as KMS documents it.
type batchItem struct {
	SecretName          *string `json:"SecretName"`
	VersionStage        string  `json:"VersionStage"`
	VersionID           string  `json:"VersionId"`
	FetchExtendedConfig string  `json:"FetchExtendedConfig"`
}

// parseSecretsList reads the SecretsList parameter: a JSON array of 1 to
// 20 items, whatever the order of their keys or the spacing.
func parseSecretsList(text string) ([]batchItem, *fakegw.Error) {
	if text == "" {
		return nil, fakegw.Missing("SecretsList")
	}
	var items []batchItem
	dec := json.NewDecoder(bytes.NewReader([]byte(text)))
	if err := dec.Decode(&items); err != nil || dec.More() {
		return nil, invalidParam("The specified parameter SecretsList is not a valid JSON array of secrets.")
	}
	if len(items) == 0 || len(items) > maxBatchSecrets {
		return nil, invalidParam(fmt.Sprintf("The specified parameter SecretsList has %d secrets; it must have 1 to %d.", len(items), maxBatchSecrets))
	}
	for i, it := range items {
		if it.SecretName == nil || *it.SecretName == "" {
			return nil, invalidParam("The specified parameter SecretsList[" + strconv.Itoa(i) + "].SecretName is empty.")
		}
		switch it.FetchExtendedConfig {
		case "", "true", "false":
		default:
			return nil, invalidParam("The specified parameter SecretsList[" + strconv.Itoa(i) + "].FetchExtendedConfig is not \"true\" or \"false\".")
		}
	}
	return items, nil
}

// batchGetSecretValue answers BatchGetSecretValue: the versions found,
// each as GetSecretValue's document with the request's id, and one error
// per secret, stage or version not found. The request succeeds whatever
// becomes of its secrets.
func (s *Server) batchGetSecretValue(get func(string) string) (map[string]any, *fakegw.Error) {
	items, e := parseSecretsList(get("SecretsList"))
	if e != nil {
		return nil, e
	}
	id := s.gw.RequestID()
	values, errs := []map[string]any{}, []map[string]any{}
	for _, it := range items {
		name := *it.SecretName
		sec, found := s.secret(name)
		var v map[string]any
		if found {
			v, found = versionValue(sec, it.VersionStage, it.VersionID, it.FetchExtendedConfig == "true")
		}
		if !found {
			errs = append(errs, map[string]any{
				"SecretName": name, "Code": errNotFound.Code, "HttpStatus": errNotFound.Status, "Message": "Resource not found.",
			})
			continue
		}
		v["RequestId"] = id
		values = append(values, v)
	}
	return map[string]any{"RequestId": id, "SecretValues": values, "Errors": errs}, nil
}
