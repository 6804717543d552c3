package kms_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
)

func fullOutput(data, dataType string) *kms.GetSecretValueOutput {
	at := time.Date(2026, 3, 1, 2, 3, 4, 0, time.UTC)
	return &kms.GetSecretValueOutput{
		SecretName: "db", SecretType: "Rds", SecretData: data, SecretDataType: dataType,
		VersionID: "v1", VersionStages: []string{"ACSCurrent", "ACSPrevious"},
		CreateTime: at, LastRotationDate: at.Add(time.Hour), NextRotationDate: at.Add(2 * time.Hour),
		RotationInterval: 24 * time.Hour, AutomaticRotation: "Enabled", ExtendedConfig: `{"a":1}`,
		RequestID: "req-1", Unparsed: map[string]string{"CreateTime": "yesterday"},
	}
}

func TestCachedSecretFields(t *testing.T) {
	o := fullOutput("pw", "text")
	s := kms.NewCachedSecret(o)
	assert.Equal(t, o, s.Output(), "Output carries every field")
	assert.NotSame(t, o, s.Output())
	assert.Equal(t, "db", s.SecretName)
	assert.Equal(t, "pw", s.SecretData)
	assert.Equal(t, "v1", s.VersionID)
	assert.Equal(t, 24*time.Hour, s.RotationInterval)
	assert.Equal(t, []string{"ACSCurrent", "ACSPrevious"}, s.VersionStages())
	assert.Equal(t, map[string]string{"CreateTime": "yesterday"}, s.Unparsed())
	assert.True(t, s.HasStage("ACSPrevious"))
	assert.False(t, s.HasStage("ACSPending"))
	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = s.HasStage("ACSPrevious") }))

	// What the methods return is the caller's: changing it changes nothing held.
	s.VersionStages()[0] = "changed"
	s.Unparsed()["CreateTime"] = "changed"
	s.Output().VersionStages[1] = "changed"
	s.Output().Unparsed["CreateTime"] = "changed"
	assert.Equal(t, o, s.Output())

	empty := kms.NewCachedSecret(&kms.GetSecretValueOutput{SecretName: "db"})
	assert.Nil(t, empty.VersionStages())
	assert.Nil(t, empty.Unparsed())
	assert.Equal(t, &kms.GetSecretValueOutput{SecretName: "db"}, empty.Output())
}

func TestCachedSecretBytesAndJSON(t *testing.T) {
	s := kms.NewCachedSecret(fullOutput(`{"user":"app"}`, "text"))
	b, err := s.Bytes()
	require.NoError(t, err)
	assert.Equal(t, []byte(`{"user":"app"}`), b)
	var v struct{ User string }
	require.NoError(t, s.DecodeJSON(&v))
	assert.Equal(t, "app", v.User)

	bin := kms.NewCachedSecret(fullOutput(base64.StdEncoding.EncodeToString([]byte{0, 1, 2}), "binary"))
	b, err = bin.Bytes()
	require.NoError(t, err)
	assert.Equal(t, []byte{0, 1, 2}, b)

	bad := kms.NewCachedSecret(fullOutput("hunter2!", "binary"))
	_, err = bad.Bytes()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), `"db"`)
	err = kms.NewCachedSecret(fullOutput("hunter2", "text")).DecodeJSON(&v)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
	assert.Contains(t, err.Error(), "v1")
}

func TestCachedSecretRedaction(t *testing.T) {
	const value = "VALUE-d41d8cd98f00b204"
	s := kms.NewCachedSecret(fullOutput(value, "text"))
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Info("got", "secret", s, "ptr", &s)
	printed := []string{logs.String(), s.String(), s.GoString(), fmt.Sprint(s), fmt.Sprintln(&s), fmt.Sprint([]any{s, &s}),
		fmt.Sprintf("%v|%+v|%#v|%s|%q|%x|%X|%d|%10.3v", s, s, s, s, s, s, s, s, s),
		fmt.Sprintf("%v|%+v|%#v|%s", &s, &s, &s, &s), fmt.Errorf("wrapped: %v", s).Error()}
	for _, p := range printed {
		assert.NotContains(t, p, value)
		assert.NotContains(t, p, fmt.Sprintf("%x", value))
	}
	assert.Contains(t, fmt.Sprintf("%+v", s), "SecretData:[redacted]")
	assert.Contains(t, fmt.Sprintf("%+v", s), "VersionStages:[ACSCurrent ACSPrevious]", "the stages are shown")
	assert.Contains(t, fmt.Sprintf("%#v", s), "kms.CachedSecret{")
	assert.Contains(t, logs.String(), `"secret_data":"[redacted]"`)
	assert.Contains(t, logs.String(), `"version_id":"v1"`)
	assert.Equal(t, value, s.SecretData, "the field itself is the caller's to use")
}
