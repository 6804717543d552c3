package transport

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

type answerDoc struct {
	Name string `json:"Name"`
	Tags []string
}

// nameRequired fails a document without a Name, and counts its calls.
type nameRequired struct{}

var verdictCalls int

func (nameRequired) Verdict(op string, doc *answerDoc, status int, h http.Header, body []byte) *signer.APIError {
	verdictCalls++
	if doc.Name == "" {
		return NotDocument(status, h, body, "not a "+op+" document: no Name")
	}
	return nil
}

func TestAnswerCheck(t *testing.T) {
	h := http.Header{"Content-Type": {"application/json"}, "X-Acs-Request-Id": {"R-1"}}
	a := NewAnswer[answerDoc, nameRequired]("Op")

	verdictCalls = 0
	e := a.Check(404, h, []byte(`{"Code":"Forbidden.ResourceNotFound","Message":"gone"}`))
	require.NotNil(t, e)
	assert.Equal(t, "Forbidden.ResourceNotFound", e.Code, "a non-2xx answer is decoded as an error document")
	assert.Zero(t, verdictCalls, "the verdict sees 2xx documents only")

	e = a.Check(200, h, []byte(`{"Name":`))
	require.NotNil(t, e)
	assert.Equal(t, 200, e.StatusCode)
	assert.Empty(t, e.Code)
	assert.Contains(t, e.Message, "decoding the response: not a Op document: ")
	assert.Contains(t, e.Message, "(8 bytes, application/json)")
	assert.Equal(t, "R-1", e.RequestID)
	assert.Zero(t, verdictCalls, "a body that is not JSON never reaches the verdict")

	require.Nil(t, a.Check(200, h, []byte(`{"Name":"db","Tags":["a"]}`)))
	assert.Equal(t, answerDoc{Name: "db", Tags: []string{"a"}}, a.Doc)
	assert.Equal(t, 1, verdictCalls)

	// A second answer into the same Answer starts from a zero document:
	// nothing of the first may make the second pass.
	e = a.Check(200, h, []byte(`{"Other":1}`))
	require.NotNil(t, e)
	assert.Equal(t, "not a Op document: no Name (11 bytes, application/json)", e.Message)
	assert.Equal(t, answerDoc{}, a.Doc)
}
