package kms

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// MaxBatchSecrets is the most secrets one BatchGetSecretValue call reads.
const MaxBatchSecrets = 20

// BatchGetSecretValueInput is the input of BatchGetSecretValue.
type BatchGetSecretValueInput struct {
	Secrets []BatchSecret // the secret versions to read: 1 to 20, no two alike
}

// BatchSecret names one secret version of a batch, as GetSecretValueInput does.
type BatchSecret struct {
	SecretName          string // name or ARN; required
	VersionStage        string // empty: ACSCurrent
	VersionID           string
	FetchExtendedConfig bool
}

// BatchGetSecretValueOutput is the answer of BatchGetSecretValue.
type BatchGetSecretValueOutput struct {
	SecretValues []GetSecretValueOutput // the versions read, as GetSecretValue returns them
	Errors       []BatchError           // one for each secret that could not be read
	RequestID    string
}

// BatchError is the failure of one secret of a batch. Err, and through
// Unwrap the BatchError, matches the classes GetSecretValue's errors match
// ([ErrSecretNotFound], [ErrAccessDenied], ...).
type BatchError struct {
	SecretName string
	Err        error
}

// Error names the secret and its failure.
func (e BatchError) Error() string { return fmt.Sprintf("secret %q: %v", e.SecretName, e.Err) }

// Unwrap returns Err.
func (e BatchError) Unwrap() error { return e.Err }

// batchSecretWire is one item of the SecretsList parameter; the service
// documents the flag as a string.
type batchSecretWire struct {
	FetchExtendedConfig string `json:"FetchExtendedConfig,omitempty"`
	SecretName          string `json:"SecretName"`
	VersionID           string `json:"VersionId,omitempty"`
	VersionStage        string `json:"VersionStage,omitempty"`
}

type batchGetSecretValueWire struct {
	head
	SecretValues *wire.List[getSecretValueWire] `json:"SecretValues"`
	Errors       *wire.List[struct {
		SecretName wire.String `json:"SecretName"`
		Code       wire.String `json:"Code"`
		Message    wire.String `json:"Message"`
		HTTPStatus wire.Int64  `json:"HttpStatus"`
		RequestID  wire.String `json:"RequestId"`
	}] `json:"Errors"`
}

func (w *batchGetSecretValueWire) missing() string {
	if w.SecretValues == nil && w.Errors == nil {
		return "neither SecretValues nor Errors"
	}
	return ""
}

// validate checks the input as the service would, naming the field.
func (in *BatchGetSecretValueInput) validate(op string) error {
	switch n := len(in.Secrets); {
	case n == 0:
		return invalid(op, "BatchGetSecretValueInput.Secrets is empty (1 to 20 secrets)")
	case n > MaxBatchSecrets:
		return invalid(op, fmt.Sprintf("BatchGetSecretValueInput.Secrets has %d secrets; at most %d a call", n, MaxBatchSecrets))
	}
	seen := make(map[BatchSecret]int, len(in.Secrets))
	for i, s := range in.Secrets {
		if s.SecretName == "" {
			return invalid(op, fmt.Sprintf("BatchGetSecretValueInput.Secrets[%d].SecretName is required", i))
		}
		key := BatchSecret{SecretName: s.SecretName, VersionStage: s.VersionStage, VersionID: s.VersionID}
		if key.VersionStage == "" && key.VersionID == "" {
			key.VersionStage = stageCurrent
		}
		if j, dup := seen[key]; dup {
			return invalid(op, fmt.Sprintf("BatchGetSecretValueInput.Secrets[%d] asks for the same version of %q as Secrets[%d]", i, s.SecretName, j))
		}
		seen[key] = i
	}
	return nil
}

// BatchGetSecretValue reads up to 20 secret versions in one request. A
// secret that cannot be read is an entry of Errors, not an error of the
// call; only a failure of the whole request is. With
// Options.InstanceEndpoint set, it sends one GetSecretValue per secret to
// the instance, at most 4 at a time (no document says an instance serves
// the batch), and Errors holds what each failed one returned. A nil or
// empty input, more than 20 secrets, an empty SecretName or a version
// asked for twice fails before anything is sent ([signer.ErrInvalidInput]).
//
// API: https://www.alibabacloud.com/help/en/kms/developer-reference/api-kms-2016-01-20-batchgetsecretvalue
func (c *Client) BatchGetSecretValue(ctx context.Context, in *BatchGetSecretValueInput, optFns ...func(*Options)) (*BatchGetSecretValueOutput, error) {
	const op = "BatchGetSecretValue"
	if in == nil {
		return nil, invalid(op, "input is nil")
	}
	if err := in.validate(op); err != nil {
		return nil, err
	}
	o := c.Options()
	for _, fn := range optFns {
		fn(&o)
	}
	if o.InstanceEndpoint != "" {
		return c.batchFromInstance(ctx, in, optFns), nil
	}
	list := make([]batchSecretWire, len(in.Secrets))
	for i, s := range in.Secrets {
		list[i] = batchSecretWire{SecretName: s.SecretName, VersionID: s.VersionID, VersionStage: s.VersionStage}
		if s.FetchExtendedConfig {
			list[i].FetchExtendedConfig = "true"
		}
	}
	b, _ := json.Marshal(list) // strings only: cannot fail
	q := struct {
		SecretsList string `url:"SecretsList"`
	}{string(b)}
	var w batchGetSecretValueWire
	if err := c.call(ctx, op, &q, &w, optFns); err != nil {
		return nil, err
	}
	out := &BatchGetSecretValueOutput{RequestID: string(w.RequestID)}
	if w.SecretValues != nil {
		out.SecretValues = make([]GetSecretValueOutput, 0, len(*w.SecretValues))
		for _, v := range *w.SecretValues {
			value := v.output()
			value.RequestID = cmp.Or(value.RequestID, out.RequestID)
			out.SecretValues = append(out.SecretValues, *value)
		}
	}
	if w.Errors != nil {
		for _, e := range *w.Errors {
			out.Errors = append(out.Errors, BatchError{SecretName: string(e.SecretName), Err: &APIError{
				Service: service.Name, Operation: op, StatusCode: int(e.HTTPStatus),
				Code: string(e.Code), Message: string(e.Message), RequestID: cmp.Or(string(e.RequestID), out.RequestID),
			}})
		}
	}
	return out, nil
}

func (c *Client) batchFromInstance(ctx context.Context, in *BatchGetSecretValueInput, optFns []func(*Options)) *BatchGetSecretValueOutput {
	values := make([]*GetSecretValueOutput, len(in.Secrets))
	errs := make([]error, len(in.Secrets))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, s := range in.Secrets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			values[i], errs[i] = c.GetSecretValue(ctx, &GetSecretValueInput{
				SecretName: s.SecretName, VersionStage: s.VersionStage, VersionID: s.VersionID, FetchExtendedConfig: s.FetchExtendedConfig,
			}, optFns...)
		}()
	}
	wg.Wait()
	out := &BatchGetSecretValueOutput{}
	for i, v := range values {
		if errs[i] != nil {
			out.Errors = append(out.Errors, BatchError{SecretName: in.Secrets[i].SecretName, Err: errs[i]})
			continue
		}
		out.SecretValues = append(out.SecretValues, *v)
	}
	return out
}
