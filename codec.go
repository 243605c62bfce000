package sessiond

import (
	"encoding/json"
	"fmt"
)

// openData opens and decodes a record's sealed data. Empty data is an empty
// map.
func (m *Manager) openData(rec *Record) (map[string]json.RawMessage, error) {
	values := map[string]json.RawMessage{}
	plain, err := m.openJSON(rec)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(plain, &values); err != nil || values == nil {
		return nil, fmt.Errorf("%w: not a JSON object", ErrSealed)
	}
	return values, nil
}

// openJSON opens a record's sealed data: the JSON object sealData sealed,
// or {} for none.
func (m *Manager) openJSON(rec *Record) (json.RawMessage, error) {
	if len(rec.Data) == 0 {
		return json.RawMessage("{}"), nil
	}
	return m.keys.Open(rec.Data, []byte(rec.ID))
}

// sealData encodes and seals values for the session with the given id. No
// values seal to nil.
func (m *Manager) sealData(id string, values map[string]json.RawMessage) ([]byte, error) {
	if len(values) == 0 {
		return nil, nil
	}
	plain, err := json.Marshal(values)
	if err != nil {
		return nil, fmt.Errorf("sessiond: encoding data: %w", err)
	}
	return m.keys.seal(m.cfg.Rand, plain, []byte(id))
}
