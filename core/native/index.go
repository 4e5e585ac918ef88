package native

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"time"
)

// An Index groups a store's records by conversation and by process, for
// the join with a stream. It is not safe for concurrent use: pairing marks
// calls as taken.
type Index struct {
	store   *Store
	version uint64
	conv    map[string][]*Process
	taken   map[string]bool // call ids paired with a stream item
}

// Index returns an index of what the store holds now; [Index.Update] brings
// it up to date with what came since.
func (s *Store) Index() *Index {
	ix := &Index{store: s, taken: map[string]bool{}}
	ix.build()
	return ix
}

// Store returns the store the index was made from.
func (ix *Index) Store() *Store { return ix.store }

// Update rebuilds the index when the store has taken bodies since it was
// built, keeping which calls are taken, and reports whether it did. The
// processes it returned before are stale after an update: look them up
// again.
func (ix *Index) Update() bool {
	if v, _ := ix.store.Version(); v == ix.version {
		return false
	}
	ix.build()
	return true
}

func (ix *Index) build() {
	ix.version, _ = ix.store.Version()
	ix.conv = map[string][]*Process{}
	for _, r := range ix.store.Records() {
		ps := ix.conv[r.Conversation]
		if len(ps) == 0 || r.Event == EventConversationStarts && ps[len(ps)-1].started {
			ps = append(ps, &Process{Conversation: r.Conversation, taken: ix.taken, callTurn: map[string]string{}})
			ix.conv[r.Conversation] = ps
		}
		p := ps[len(ps)-1]
		if r.Event == EventConversationStarts {
			p.started, p.Start = true, r.Time
		}
		if p.Model == "" {
			p.Model = r.Model
		}
		p.Records = append(p.Records, r)
	}
	seen := map[string]bool{} // turn ids
	for _, sp := range ix.store.Spans() {
		ps := ix.conv[sp.Conversation]
		if len(ps) == 0 {
			continue
		}
		p := ps[0]
		for _, q := range ps[1:] {
			if !q.Start.IsZero() && !sp.Start.Before(q.Start) {
				p = q
			}
		}
		if sp.TurnID != "" {
			if !seen[sp.TurnID] {
				seen[sp.TurnID] = true
				p.turns = append(p.turns, sp.TurnID)
			}
			if sp.CallID != "" {
				p.callTurn[sp.CallID] = sp.TurnID
			}
		}
	}
}

// Process returns the n-th process (from 0) that ran the conversation, or
// nil when the export has none.
func (ix *Index) Process(conversation string, n int) *Process {
	if ix == nil || conversation == "" {
		return nil
	}
	ps := ix.conv[conversation]
	if n < 0 || n >= len(ps) {
		return nil
	}
	return ps[n]
}

// A Process is what one Codex process exported for one conversation: from
// its codex.conversation_starts to its exit. A resumed thread has one per
// process.
type Process struct {
	Conversation string
	Model        string    // the model of its first record
	Start        time.Time // its codex.conversation_starts; zero when the export lacks it
	Records      []Record  // its records, in the order Codex logged them

	started  bool
	calls    *callIndex        // built on the first match
	turns    []string          // turn ids, in start order (from the spans)
	callTurn map[string]string // call id -> turn id (from the tool spans)
	taken    map[string]bool   // call ids paired with a stream item, shared by the index
}

// TurnID returns the id of the process's n-th turn (from 0), or "" when the
// export has no span that names it.
func (p *Process) TurnID(n int) string {
	if n < 0 || n >= len(p.turns) {
		return ""
	}
	return p.turns[n]
}

// Prompts returns the times of the process's codex.user_prompt records:
// one per turn, in order.
func (p *Process) Prompts() []time.Time {
	var out []time.Time
	for _, r := range p.Records {
		if r.Event == EventUserPrompt {
			out = append(out, r.Time)
		}
	}
	return out
}

// A Call is a native tool call paired with a stream item.
type Call struct {
	CallID   string
	TurnID   string  // from the tool's span, when exported
	Result   *Record // codex.tool_result; nil when Codex never logged one (the run was interrupted)
	Decision *Record // codex.tool_decision; nil when none was logged (MCP calls)
}

// Start returns when Codex dispatched the call: its result's time less its
// duration. ok is false without a result.
func (c Call) Start() (time.Time, bool) {
	if c.Result == nil || !c.Result.HasDuration || c.Result.Time.IsZero() {
		return time.Time{}, false
	}
	return c.Result.Time.Add(-c.Result.Duration), true
}

// callIndex is a process's tool results and decisions, indexed for
// pairing: a session's worth of items pairs in linear time.
type callIndex struct {
	results   []*Record          // tool results, in the order logged
	byCommand map[string][]int   // exec_command's cmd -> indexes in results
	decisions map[string]*Record // call id -> its decision
	decided   []*Record          // decisions in the order logged
	hasResult map[string]bool
}

func (p *Process) index() *callIndex {
	if p.calls != nil {
		return p.calls
	}
	ci := &callIndex{byCommand: map[string][]int{}, decisions: map[string]*Record{}, hasResult: map[string]bool{}}
	for i := range p.Records {
		r := &p.Records[i]
		switch r.Event {
		case EventToolResult:
			if cmd := commandOf(r.Arguments); cmd != "" {
				ci.byCommand[cmd] = append(ci.byCommand[cmd], len(ci.results))
			}
			ci.results = append(ci.results, r)
			ci.hasResult[r.CallID] = true
		case EventToolDecision:
			if _, ok := ci.decisions[r.CallID]; !ok {
				ci.decisions[r.CallID] = r
			}
			ci.decided = append(ci.decided, r)
		}
	}
	p.calls = ci
	return ci
}

// shellCommand returns the <cmd> of `/bin/bash -lc '<cmd>'` (or bash -lc),
// unquoted, and false for a command not in that form.
func shellCommand(command string) (string, bool) {
	for _, prefix := range []string{"/bin/bash -lc ", "bash -lc "} {
		if rest, ok := strings.CutPrefix(command, prefix); ok && len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
			cmd := strings.ReplaceAll(rest[1:len(rest)-1], `'"'"'`, "'")
			if shellQuote(cmd) == rest {
				return cmd, true
			}
		}
	}
	return "", false
}

// MatchCommand pairs a command_execution item with the process's first
// untaken exec_command call that ran it: the item's command is
// `/bin/bash -lc '<cmd>'` with <cmd> the cmd of the call's arguments.
// Calls whose command matches exactly win over those that only contain it;
// among equals, the first dispatched. A command with no tool result (an
// interrupted run) pairs with the first untaken decision on a call that has
// none. ok is false when nothing pairs.
func (p *Process) MatchCommand(command string) (Call, bool) {
	if p == nil {
		return Call{}, false
	}
	// An exact match, found by its command.
	ci := p.index()
	var best *Record
	for _, cmd := range []string{command, unwrap(command)} {
		for _, i := range ci.byCommand[cmd] {
			if r := ci.results[i]; !p.taken[r.CallID] && (best == nil || r.Time.Add(-r.Duration).Before(best.Time.Add(-best.Duration))) {
				best = r
			}
		}
	}
	if best != nil {
		return p.take(best.CallID, best), true
	}
	return p.match(func(r *Record) int {
		cmd := commandOf(r.Arguments)
		switch {
		case cmd == "":
			return 0
		case command == cmd || command == "/bin/bash -lc "+shellQuote(cmd) || command == "bash -lc "+shellQuote(cmd):
			return 2
		case strings.Contains(command, cmd):
			return 1
		}
		return 0
	}, func(r *Record) bool { return r.Namespace == "" || r.Namespace == "functions" })
}

// unwrap returns the <cmd> of a shell-wrapped command, or "".
func unwrap(command string) string {
	cmd, _ := shellCommand(command)
	return cmd
}

// MatchMCP pairs an mcp_tool_call item with the process's first untaken
// call of the same server and tool, preferring one with equal arguments
// (JSON compared as values).
func (p *Process) MatchMCP(server, tool string, arguments []byte) (Call, bool) {
	want := jsonValue(arguments)
	return p.match(func(r *Record) int {
		if r.MCPServer != server || r.Tool != tool {
			return 0
		}
		if reflect.DeepEqual(jsonValue([]byte(r.Arguments)), want) {
			return 2
		}
		return 1
	}, func(*Record) bool { return false })
}

// MatchTool pairs another tool item (a file change is apply_patch) with the
// first untaken call of the named tool.
func (p *Process) MatchTool(tool string) (Call, bool) {
	return p.match(func(r *Record) int {
		if r.Tool == tool {
			return 1
		}
		return 0
	}, func(*Record) bool { return false })
}

// match takes the untaken tool result that scores best (first dispatched
// among equals); without one, the first untaken decision that decideOnly
// accepts and that has no result.
func (p *Process) match(score func(*Record) int, decideOnly func(*Record) bool) (Call, bool) {
	if p == nil {
		return Call{}, false
	}
	ci := p.index()
	var best *Record
	bestScore := 0
	var bestStart time.Time
	for _, r := range ci.results {
		if p.taken[r.CallID] {
			continue
		}
		sc := score(r)
		start := r.Time.Add(-r.Duration)
		if sc > bestScore || sc == bestScore && sc > 0 && start.Before(bestStart) {
			best, bestScore, bestStart = r, sc, start
		}
	}
	if best != nil {
		return p.take(best.CallID, best), true
	}
	for _, r := range ci.decided {
		if !ci.hasResult[r.CallID] && !p.taken[r.CallID] && decideOnly(r) {
			return p.take(r.CallID, nil), true
		}
	}
	return Call{}, false
}

func (p *Process) take(id string, result *Record) Call {
	p.taken[id] = true
	return Call{CallID: id, TurnID: p.callTurn[id], Result: result, Decision: p.index().decisions[id]}
}

// Release undoes the pairing of a call, for a reader that paired it too
// early (its result had not come yet).
func (p *Process) Release(callID string) { delete(p.taken, callID) }

// Taken reports whether the call has been paired with a stream item.
func (p *Process) Taken(callID string) bool { return p.taken[callID] }

// commandOf returns the command of exec_command arguments: cmd, or command
// as a string or a list of words.
func commandOf(arguments string) string {
	var a struct {
		Cmd     string          `json:"cmd"`
		Command json.RawMessage `json:"command"`
	}
	if json.Unmarshal([]byte(arguments), &a) != nil {
		return ""
	}
	if a.Cmd != "" {
		return a.Cmd
	}
	var s string
	if json.Unmarshal(a.Command, &s) == nil {
		return s
	}
	var words []string
	if json.Unmarshal(a.Command, &words) == nil {
		if len(words) == 3 && (words[0] == "bash" || words[0] == "/bin/bash") && words[1] == "-lc" {
			return words[2]
		}
		return strings.Join(words, " ")
	}
	return ""
}

// shellQuote quotes s for a POSIX shell as Codex does: in single quotes,
// each ' written '"'"'.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

// jsonValue decodes JSON for comparison; nil for absent or invalid JSON.
func jsonValue(b []byte) any {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		return map[string]any{}
	}
	return v
}

// Events returns the records the join emits as events of their own, in
// the order Codex logged them: model requests, per-request token usage,
// time to first token, and tool decisions.
func (p *Process) Events() []Record {
	return slices.DeleteFunc(slices.Clone(p.Records), func(r Record) bool {
		switch r.Event {
		case EventAPIRequest, EventSSE, EventTurnTTFT, EventToolDecision:
			return false
		}
		return true
	})
}
