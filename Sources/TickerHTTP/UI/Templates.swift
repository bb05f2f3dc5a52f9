/// The UI's Mustache templates and stylesheet, compiled into the binary so `ticker` stays one
/// file to deploy. Pages are plain HTML forms and links: everything works without JavaScript.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "dags": dags, "dag": dag, "run": run, "log": log, "isins": isins, "nodes": nodes,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#refresh}}<meta http-equiv="refresh" content="{{refresh}}">{{/refresh}}
        <title>{{title}} · Ticker</title>
        <link rel="stylesheet" href="/ui/static/ticker.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header><nav aria-label="Main">
        <a class="brand" href="/ui/">Ticker</a>
        <a href="/ui/">DAGs</a>
        <a href="/ui/isins">ISINs</a>
        <a href="/ui/nodes">Nodes</a>
        {{#user}}<span class="who">{{name}} ({{role}})</span>
        <form method="post" action="/ui/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>{{/user}}
        </nav></header>
        <main id="main">
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let login = """
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/ui/login">
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required size="50">
        <p class="hint">Make one with <code>ticker admin create-token --role operator</code>.</p>
        <button type="submit">Sign in</button>
        </form>
        """

    static let dags = """
        <h1>DAGs</h1>
        <table>
        <caption>Every DAG, its state, last run and next slot</caption>
        <thead><tr><th scope="col">DAG</th><th scope="col">State</th><th scope="col">Schedule</th><th scope="col">Last run</th><th scope="col">Next slot</th>{{#canOperate}}<th scope="col">Actions</th>{{/canOperate}}</tr></thead>
        <tbody>
        {{#dags}}
        <tr>
        <th scope="row"><a href="/ui/dags/{{id}}">{{id}}</a></th>
        <td><span class="state {{state}}">{{state}}</span></td>
        <td>{{schedule}}</td>
        <td>{{#lastRun}}<a href="/ui/runs/{{id}}"><span class="state {{state}}">{{state}}</span> {{slot}}</a>{{/lastRun}}{{^lastRun}}–{{/lastRun}}</td>
        <td>{{nextSlot}}</td>
        {{#canOperate}}<td class="actions">{{> actions}}</td>{{/canOperate}}
        </tr>
        {{/dags}}
        </tbody>
        </table>
        """

    static let actions = """
        <form method="post" action="/ui/dags/{{id}}/{{toggle}}" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="{{toggle}} {{id}}">{{toggle}}</button></form>
        <form method="post" action="/ui/dags/{{id}}/trigger" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" aria-label="trigger {{id}}">trigger</button></form>
        """

    static let dag = """
        <h1>DAG {{id}} <span class="state {{state}}">{{state}}</span></h1>
        {{#description}}<p>{{description}}</p>{{/description}}
        {{#canOperate}}<p class="actions">{{> actions}}</p>{{/canOperate}}
        <dl>
        <dt>Schedule</dt><dd>{{schedule}}</dd>
        <dt>Misfire</dt><dd>{{misfire}}</dd>
        <dt>Overlap</dt><dd>{{overlap}}, at most {{maxActiveRuns}} active run(s)</dd>
        <dt>Next fires</dt><dd>{{#nextFires}}{{.}} {{/nextFires}}{{^nextFires}}–{{/nextFires}}</dd>
        <dt>File</dt><dd><code>{{origin}}</code></dd>
        </dl>
        <h2>Graph</h2>
        <figure>{{{graph}}}<figcaption>Tasks left to right in dependency order.</figcaption></figure>
        <table>
        <caption>Tasks</caption>
        <thead><tr><th scope="col">Task</th><th scope="col">Operator</th><th scope="col">Depends on</th><th scope="col">Trigger rule</th><th scope="col">Attempts</th></tr></thead>
        <tbody>{{#tasks}}<tr><th scope="row">{{id}}</th><td>{{operator}}</td><td>{{dependsOn}}</td><td>{{triggerRule}}</td><td>{{maxAttempts}}</td></tr>{{/tasks}}</tbody>
        </table>
        <h2>Recent runs</h2>
        <ul class="runs">{{#runs}}<li><a href="/ui/runs/{{id}}">run {{id}}</a> <span class="state {{state}}">{{state}}</span> {{kind}} slot {{slot}}</li>{{/runs}}{{^runs}}<li>No runs yet.</li>{{/runs}}</ul>
        """

    static let run = """
        <h1>Run {{id}} of <a href="/ui/dags/{{dagID}}">{{dagID}}</a> <span class="state {{state}}">{{state}}</span></h1>
        <dl>
        <dt>Kind</dt><dd>{{kind}}</dd>
        <dt>Slot</dt><dd>{{slot}}</dd>
        <dt>Started</dt><dd>{{started}}</dd>
        <dt>Ended</dt><dd>{{ended}}</dd>
        {{#reason}}<dt>Reason</dt><dd>{{reason}}</dd>{{/reason}}
        </dl>
        <h2>Tasks</h2>
        <figure>{{{graph}}}</figure>
        <h2>Attempts</h2>
        <figure>{{{timeline}}}<figcaption>Each attempt on the run's time axis.</figcaption></figure>
        <table>
        <caption>Attempts, oldest first</caption>
        <thead><tr><th scope="col">Task</th><th scope="col">Attempt</th><th scope="col">State</th><th scope="col">Started</th><th scope="col">Duration</th><th scope="col">Log</th></tr></thead>
        <tbody>{{#attempts}}<tr><th scope="row">{{task}}</th><td>{{number}}</td><td><span class="state {{state}}">{{state}}</span></td><td>{{started}}</td><td>{{duration}}</td><td><a href="/ui/runs/{{runID}}/attempts/{{id}}">log of {{task}} #{{number}}</a></td></tr>{{/attempts}}</tbody>
        </table>
        """

    static let log = """
        <h1>Log of {{task}}, attempt {{number}} <span class="state {{state}}">{{state}}</span></h1>
        <p><a href="/ui/runs/{{runID}}">Back to run {{runID}}</a>{{#running}} · This page refreshes every 2 seconds while the attempt runs.{{/running}}</p>
        <pre class="log" tabindex="0" aria-label="Log output">{{text}}</pre>
        """

    static let isins = """
        <h1>ISINs</h1>
        <form method="get" action="/ui/isins" role="search">
        <label for="q">Search by name or ISIN</label>
        <input id="q" name="q" value="{{query}}" maxlength="200">
        <button type="submit">Search</button>
        </form>
        {{#searched}}
        <table>
        <caption>{{resultCount}} result(s) for “{{query}}”</caption>
        <thead><tr><th scope="col">ISIN</th><th scope="col">Name</th><th scope="col">CFI</th><th scope="col">Currency</th></tr></thead>
        <tbody>{{#results}}<tr><th scope="row">{{isin}}</th><td>{{name}}</td><td>{{cfi}}</td><td>{{currency}}</td></tr>{{/results}}</tbody>
        </table>
        {{/searched}}
        <h2>Snapshot sizes</h2>
        {{#chart}}<figure>{{{chart}}}<figcaption>Instruments per snapshot, oldest on the left.</figcaption></figure>{{/chart}}
        {{^chart}}<p>No snapshot yet.</p>{{/chart}}
        {{#latest}}
        <h2>Latest changes: snapshot {{from}} → {{to}}</h2>
        <table>
        <caption>First {{count}} change(s) in ISIN order</caption>
        <thead><tr><th scope="col">ISIN</th><th scope="col">Change</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
        <tbody>{{#entries}}<tr><th scope="row">{{isin}}</th><td>{{kind}}</td><td>{{before}}</td><td>{{after}}</td></tr>{{/entries}}</tbody>
        </table>
        {{/latest}}
        """

    static let nodes = """
        <h1>Nodes</h1>
        <p>Every <code>ticker serve</code> sharing this store. A node is missing when it has not beaten for
        {{lease}} s and did not say goodbye; its attempts run again elsewhere once their leases expire.</p>
        <table>
        <caption>{{count}} node(s), most recent heartbeat first</caption>
        <thead><tr><th scope="col">Node</th><th scope="col">Status</th><th scope="col">Host</th><th scope="col">PID</th>
        <th scope="col">Roles</th><th scope="col">Version</th><th scope="col">Started</th><th scope="col">Last heartbeat</th></tr></thead>
        <tbody>{{#nodes}}<tr><th scope="row"><code>{{id}}</code></th><td><span class="state {{status}}">{{status}}</span></td>
        <td>{{host}}</td><td>{{pid}}</td><td>{{roles}}</td><td>{{version}}</td><td>{{started}}</td><td>{{heartbeat}}</td></tr>{{/nodes}}</tbody>
        </table>
        """

    static let css = """
        :root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0a58ca; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; }
        * { box-sizing: border-box; }
        body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); margin: 0; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
        header { border-bottom: 1px solid var(--line); padding: 8px 16px; }
        nav { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
        nav .brand { font-weight: 700; } nav .who { margin-left: auto; color: var(--muted); }
        main { padding: 16px; max-width: 1100px; }
        a { color: var(--accent); } a:focus, button:focus, input:focus { outline: 3px solid #80b3ff; outline-offset: 1px; }
        table { border-collapse: collapse; margin: 12px 0; width: 100%; }
        caption { text-align: left; color: var(--muted); padding: 4px 0; }
        th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
        form.inline { display: inline; }
        button { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 6px; background: #f6f8fa; cursor: pointer; }
        input { font: inherit; padding: 4px 6px; }
        .state { padding: 1px 6px; border-radius: 10px; border: 1px solid var(--line); font-size: 13px; }
        .state.succeeded, .state.active, .state.alive { color: var(--ok); } .state.failed, .state.upstream_failed, .state.timed_out, .state.lost, .state.missing { color: var(--bad); }
        .state.running, .state.queued, .state.paused { color: var(--warn); }
        .notice { background: #ddf4ff; padding: 6px 10px; } .error { background: #ffebe9; padding: 6px 10px; }
        pre.log { background: #f6f8fa; border: 1px solid var(--line); padding: 10px; overflow: auto; max-height: 70vh; white-space: pre-wrap; }
        dl { display: grid; grid-template-columns: max-content auto; gap: 2px 16px; } dt { color: var(--muted); }
        svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
        svg .edge { fill: none; stroke: #8c959f; stroke-width: 1.5; } svg .arrow { fill: #8c959f; }
        svg .task rect { fill: #f6f8fa; stroke: #8c959f; } svg .task.succeeded rect { fill: #dafbe1; stroke: var(--ok); }
        svg .task.failed rect, svg .task.upstream_failed rect { fill: #ffebe9; stroke: var(--bad); }
        svg .task.running rect, svg .task.ready rect { fill: #fff8c5; stroke: var(--warn); }
        svg .bar { fill: var(--accent); } svg .bar.succeeded { fill: var(--ok); } svg .bar.failed, svg .bar.timed_out, svg .bar.lost { fill: var(--bad); }
        svg .bar.running { fill: var(--warn); } svg .axis { fill: var(--muted); }
        .hint { color: var(--muted); }
        """
}
