package sae

import (
	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/internal/wire"
)

// envelope is SAE's wrapper around every answer; an operation's document
// embeds it.
type envelope struct {
	RequestID wire.String `json:"RequestId"`
	TraceID   wire.String `json:"TraceId"`
	Success   *wire.Bool  `json:"Success"`
}

func (e *envelope) success() bool { return e.Success != nil && bool(*e.Success) }

// document is the success answer of one SAE operation. missing says what a
// body lacks to be that document ("" when nothing).
type document interface {
	success() bool
	missing() string
}

// decode is SAE's one check of a success answer (error answers, a status
// outside 2xx or "Success": false, are decoded by the transport): the body
// must be JSON of the operation's document, with "Success": true, which it
// fills. The error is an *APIError with an empty Code and the status
// received; it never quotes the body.
func decode(op string, resp *transport.Response, doc document) error {
	if err := wire.Unmarshal(resp.Body, doc); err != nil {
		return transport.NotDocument(service.Name, op, resp, err.Error())
	}
	if !doc.success() {
		return transport.NotDocument(service.Name, op, resp, `no "Success": true`)
	}
	if m := doc.missing(); m != "" {
		return transport.NotDocument(service.Name, op, resp, m)
	}
	return nil
}

// requestID is the document's request id, else the answer's header.
func requestID(doc wire.String, resp *transport.Response) string {
	if doc != "" {
		return string(doc)
	}
	return resp.RequestID()
}
