# gencorpus.py writes secrets.jsonl and clean.jsonl (the corpus format is in
# ../doc.go and corpusfile_test.go). The values are fake, drawn from a fixed
# seed, so that the files come out the same every time:
#
#   cd core/scrub/testdata && python3 gencorpus.py && mv out/*.jsonl . && rmdir out
#
# The clean corpus ends with 60 lines of the Codex transcripts in
# /work/shared/codex-transcripts, picked by the same seed.
import json, random, string, base64, glob, os
R = random.Random(20261204)
U, L, D = string.ascii_uppercase, string.ascii_lowercase, string.digits
AN = U + L + D
def rnd(n, alpha=AN, digit=True):
    while True:
        s = ''.join(R.choice(alpha) for _ in range(n))
        if not digit or any(c in D for c in s) or not any(c in D for c in alpha):
            if sum(c in s for c in set(s)) >= 3:
                return s
def hexs(n): return rnd(n, '0123456789abcdef')
def pw(): return R.choice(['Pg', 'Db', 'Hx', 'Qz', 'Mv', 'Tr']) + rnd(R.randint(10, 16), AN + '_.-') 
def tok(n=32): return rnd(n, AN)
def b64(n): return base64.b64encode(bytes(R.getrandbits(8) for _ in range(n))).decode()

secrets, clean = [], []
def S(cat, name, text, sec, keep):
    for x in sec:
        assert len(x) >= 8 and all(c in AN + '_.+/=-' for c in x), (name, x)
        assert x in text, (name, x)
    for k in keep:
        assert k in text, (name, k)
    secrets.append({"category": cat, "name": name, "text": text, "secrets": sec, "keep": keep})
def C(cat, name, text):
    clean.append({"category": cat, "name": name, "text": text})

def core(x):
    # the distinctive core of x: the longest run of allowed bytes, at most 40
    best, cur = '', ''
    for c in x:
        if c in AN + '_.+/=-': cur += c
        else:
            best = max(best, cur, key=len); cur = ''
    return max(best, cur, key=len)

for i in range(3):
    p = pw(); S("command-line", f"mysql -p attached {i}", f"mysql -u root -p{p} -h db.internal app_{i}", [p], ["mysql -u root -p", "-h db.internal app_"])
    p = pw(); S("command-line", f"mysqldump --password= {i}", f"mysqldump --user=admin --password={p} shop > dump_{i}.sql", [p], ["mysqldump --user=admin --password=", f"> dump_{i}.sql"])
    p = pw(); S("command-line", f"sshpass -p quoted {i}", f"sshpass -p '{p}' ssh deploy@10.0.0.{i+5} uptime", [p], ["sshpass -p '", f"ssh deploy@10.0.0.{i+5} uptime"])
    p = pw(); S("command-line", f"sshpass -p {i}", f"sshpass -p {p} scp build.tgz host{i}:/tmp/", [p], ["sshpass -p ", f"scp build.tgz host{i}:/tmp/"])
    p = pw(); S("command-line", f"docker login -p {i}", f"docker login -u ci-bot -p {p} registry.example.com", [p], ["docker login -u ci-bot -p ", "registry.example.com"])
    p = pw(); S("command-line", f"podman login --password {i}", f"podman login --username ci --password {p} quay.io", [p], ["podman login --username ci --password ", "quay.io"])
    p = pw(); S("command-line", f"PGPASSWORD psql {i}", f"PGPASSWORD={p} psql -h db -U app -c 'select {i}'", [p], ["PGPASSWORD=", "psql -h db -U app"])
    p = pw(); S("command-line", f"PGPASSWORD quoted pg_dump {i}", f"PGPASSWORD='{p}' pg_dump -h db-{i} app > app.sql", [p], ["PGPASSWORD='", f"pg_dump -h db-{i} app"])
    p = pw(); S("command-line", f"curl -u {i}", f"curl -u admin:{p} https://api.example.com/v1/items?page={i}", [p], ["curl -u admin:", "https://api.example.com/v1/items"])
    p = pw(); S("command-line", f"curl --user quoted {i}", f"curl --user 'bot:{p}' -X POST https://ci.example.com/job/{i}/build", [p], ["curl --user 'bot:", "-X POST https://ci.example.com/job/"])
    t = tok(); S("command-line", f"curl x-api-key {i}", f'curl -s -H "x-api-key: {t}" https://api.example.com/v2/search', [t], ['curl -s -H "x-api-key: ', "https://api.example.com/v2/search"])
    t = hexs(40); S("command-line", f"curl Authorization token {i}", f"curl -H 'Authorization: token {t}' https://api.github.com/user", [t], ["Authorization: token ", "https://api.github.com/user"])
    t, t2 = tok(40), tok(32); S("command-line", f"curl cookie {i}", f'curl -b x -H "Cookie: session={t}; csrftoken={t2}" https://app.example.com/', [t, t2], ['curl -b x -H "Cookie: ', "https://app.example.com/"])
    p = pw(); S("command-line", f"--db-password= {i}", f"./deploy.sh --db-password={p} --env prod-{i}", [p], ["./deploy.sh --db-password=", "--env prod-"])
    p = pw(); S("command-line", f"--password space {i}", f"python manage.py createsuperuser --username admin --password {p} --noinput", [p], ["--password ", "--noinput"])
    p = pw(); S("command-line", f"vault userpass {i}", f"vault login -method=userpass username=ops{i} password={p}", [p], ["vault login -method=userpass", "password="])
    p = pw(); S("command-line", f"redis-cli -a {i}", f"redis-cli -h cache-{i} -a {p} ping", [p], ["redis-cli -h cache-", "-a ", "ping"])
    t = tok(36); S("command-line", f"export API_TOKEN {i}", f"export API_TOKEN={t} && npm run release", [t], ["export API_TOKEN=", "&& npm run release"])
    p = pw(); S("command-line", f"env DB_PASSWORD {i}", f"env DB_PASSWORD='{p}' python app.py --port 80{i}0", [p], ["env DB_PASSWORD='", "python app.py --port"])
    p = pw(); S("command-line", f"helm --set password {i}", f"helm upgrade --install api ./chart --set postgresql.auth.password={p} -n prod", [p], ["helm upgrade --install api ./chart", "postgresql.auth.password=", "-n prod"])
    p = pw(); S("command-line", f"java keystore password {i}", f"java -Djavax.net.ssl.keyStorePassword={p} -jar service-{i}.jar", [p], ["-Djavax.net.ssl.keyStorePassword=", "-jar service-"])
    p = pw(); S("command-line", f"docker run -e {i}", f"docker run -d -e POSTGRES_PASSWORD={p} -p 5432:5432 postgres:16", [p], ["docker run -d -e POSTGRES_PASSWORD=", "-p 5432:5432 postgres:16"])
    p = pw(); S("command-line", f"kubectl from-literal {i}", f"kubectl create secret generic db-{i} --from-literal=password={p}", [p], ["kubectl create secret generic db-", "--from-literal=password="])
    p = pw(); S("command-line", f"az login -p {i}", f"az login --service-principal -u http://ci-app -p {p} --tenant example.onmicrosoft.com", [p], ["az login --service-principal -u http://ci-app -p ", "--tenant example.onmicrosoft.com"])
    t = tok(36); S("command-line", f"npm authToken {i}", f"npm config set //registry.npmjs.org/:_authToken={t}", [t], ["npm config set //registry.npmjs.org/:_authToken="])
    p = pw(); S("command-line", f"mariadb -p {i}", f"mariadb -h 127.0.0.1 -uapp -p{p} -e 'show tables'", [p], ["mariadb -h 127.0.0.1 -uapp -p", "-e 'show tables'"])
    p = pw(); S("command-line", f"bash -lc docker login {i}", f"/bin/bash -lc 'echo start; docker login -u deploy -p {p} ghcr.io && docker push ghcr.io/acme/app:{i}'", [p], ["docker login -u deploy -p ", "ghcr.io && docker push"])
    t = tok(40); S("command-line", f"--token flag {i}", f"gh-runner register --url https://github.com/acme --token {t} --name r{i}", [t], ["--url https://github.com/acme --token ", "--name r"])
    p = pw(); S("command-line", f"psql connection string {i}", f'psql "host=db port=5432 user=app password={p} dbname=app"', [p], ['psql "host=db port=5432 user=app password=', "dbname=app"])
    p = pw(); S("command-line", f"--client-secret {i}", f"az ad sp create --client-secret {p} --years 1", [p], ["az ad sp create --client-secret ", "--years 1"])

def akia(): return "AKIA" + rnd(16, U + D)
def awssecret(): return rnd(40, AN + '/+')
for i in range(3):
    p, h = pw(), hexs(8)
    S("command-output", f"env dump {i}", f"HOME=/home/dev\nDB_PASSWORD={p}\nPATH=/usr/local/bin:/usr/bin\nHOSTNAME={h}", [p], ["HOME=/home/dev", "DB_PASSWORD=", "PATH=/usr/local/bin:/usr/bin"])
    t = tok(40); S("command-output", f".env quoted {i}", f'# settings\nAPI_TOKEN="{t}"\nDEBUG=true\nPORT=80{i}0', [t], ['API_TOKEN="', "DEBUG=true", "PORT=80"])
    p = pw(); S("command-output", f".env single quoted {i}", f"SECRET_KEY='{p}'\nALLOWED_HOSTS=*", [p], ["SECRET_KEY='", "ALLOWED_HOSTS=*"])
    a, s = akia(), awssecret()
    S("command-output", f"aws credentials file {i}", f"[default]\naws_access_key_id = {a}\naws_secret_access_key = {s}\nregion = us-east-{i+1}", [a, core(s)], ["[default]", "aws_access_key_id = ", "aws_secret_access_key = ", "region = us-east-"])
    a, s = akia(), awssecret()
    S("command-output", f"AWS env {i}", f"AWS_ACCESS_KEY_ID={a}\nAWS_SECRET_ACCESS_KEY={s}\nAWS_DEFAULT_REGION=eu-west-1", [a, core(s)], ["AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_DEFAULT_REGION=eu-west-1"])
    s, t = awssecret(), b64(180)
    S("command-output", f"aws sts json {i}", f'{{\n    "Credentials": {{\n        "AccessKeyId": "ASIA{rnd(16, U+D)}",\n        "SecretAccessKey": "{s}",\n        "SessionToken": "{t}",\n        "Expiration": "2026-12-04T21:00:00Z"\n    }}\n}}', [core(s), core(t)], ['"SecretAccessKey": "', '"SessionToken": "', '"Expiration": "2026-12-04T21:00:00Z"'])
    t = tok(48); S("command-output", f"kubeconfig token {i}", f"users:\n- name: admin-{i}\n  user:\n    token: {t}\ncontexts: []", [t], ["users:", "- name: admin-", "token: ", "contexts: []"])
    k, c = b64(600), b64(300)
    S("command-output", f"kubeconfig client-key-data {i}", f"- name: kind-{i}\n  user:\n    client-certificate-data: {c}\n    client-key-data: {k}\n", [core(k)], ["client-certificate-data: " + c, "client-key-data: "])
    up = base64.b64encode(f"ci:{pw()}".encode()).decode()
    S("command-output", f"docker config.json {i}", f'{{\n\t"auths": {{\n\t\t"https://index.docker.io/v1/": {{\n\t\t\t"auth": "{up}"\n\t\t}}\n\t}}\n}}', [core(up)], ['"auths"', '"https://index.docker.io/v1/"', '"auth": "'])
    p1, p2 = base64.b64encode(pw().encode()).decode(), base64.b64encode(("sk-proj-" + tok(40)).encode()).decode()
    S("command-output", f"kubernetes secret data {i}", f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-{i}\ntype: Opaque\ndata:\n  password: {p1}\n  openai-api-key: {p2}\n", [core(p1), core(p2)], ["kind: Secret", "name: app-", "password: ", "openai-api-key: "])
    g, n = "ghp_" + tok(36), "npm_" + tok(36)
    S("command-output", f"printenv tokens {i}", f"$ printenv | grep TOKEN\nGITHUB_TOKEN={g}\nNPM_TOKEN={n}", [g[4:], n[4:]], ["$ printenv | grep TOKEN", "GITHUB_TOKEN=", "NPM_TOKEN="])
    p = pw(); S("command-output", f"config.yaml {i}", f"database:\n  host: db-{i}.internal\n  port: 5432\n  user: app\n  password: {p}\n  pool: 10", [p], ["host: db-", "password: ", "pool: 10"])
    p = pw(); S("command-output", f"terraform output {i}", f'db_endpoint = "db-{i}.example.com"\ndb_password = "{p}"', [p], ['db_endpoint = "db-', 'db_password = "'])
    p = pw(); S("command-output", f"docker inspect env {i}", f'"Env": [\n    "POSTGRES_PASSWORD={p}",\n    "PATH=/usr/local/sbin:/usr/local/bin",\n    "PG_MAJOR=16"\n]', [p], ['"POSTGRES_PASSWORD=', '"PATH=/usr/local/sbin:/usr/local/bin"', '"PG_MAJOR=16"'])
    b = base64.b64encode(f"x-access-token:{tok(36)}".encode()).decode()
    S("command-output", f"git config extraheader {i}", f"core.bare=false\nhttp.https://github.com/.extraheader=AUTHORIZATION: basic {b}\nremote.origin.url=https://github.com/acme/app", [core(b)], ["core.bare=false", "AUTHORIZATION: basic ", "remote.origin.url=https://github.com/acme/app"])
    p = pw(); S("command-output", f"heroku config {i}", f"=== app-{i} Config Vars\nDATABASE_URL: postgres://u{i}:{p}@ec2.compute.amazonaws.com:5432/d1\nLOG_LEVEL:    info", [p], ["=== app-", "DATABASE_URL: postgres://u", "@ec2.compute.amazonaws.com:5432/d1", "LOG_LEVEL:    info"])
    p = pw(); S("command-output", f"python traceback kwargs {i}", f'Traceback (most recent call last):\n  File "app.py", line {10+i}, in <module>\n    conn = connect(host="db", user="app", password="{p}")\npsycopg.OperationalError: connection refused', [p], ['File "app.py", line', 'conn = connect(host="db", user="app", password="', "psycopg.OperationalError: connection refused"])
    t = tok(32); S("command-output", f"twilio env {i}", f"TWILIO_ACCOUNT_SID=AC{hexs(32)}\nTWILIO_AUTH_TOKEN={hexs(32)}\nTWILIO_FROM=+15550100{i}", [], [])
    secrets.pop()
    sid, at = "AC" + hexs(32), hexs(32)
    S("command-output", f"twilio env {i}", f"TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN={at}\nTWILIO_FROM=+15550100{i}", [at], ["TWILIO_ACCOUNT_SID=" + sid, "TWILIO_AUTH_TOKEN=", "TWILIO_FROM=+15550100"])

for i in range(3):
    for pre in ["sk_live_", "rk_live_", "sk_test_"]:
        t = tok(R.choice([24, 32, 99]))
        S("vendor", f"stripe {pre}{i}", f'stripe.api_key = "{pre}{t}"  # billing-{i}', [t], ['stripe.api_key = "', f"# billing-{i}"])
    t = rnd(32, AN + '+/')
    S("vendor", f"stripe whsec {i}", f"Ready! Your webhook signing secret is whsec_{t} (^C to quit)", [core(t)], ["Ready! Your webhook signing secret is ", "(^C to quit)"])
    k = b64(64)
    S("vendor", f"azure AccountKey {i}", f"DefaultEndpointsProtocol=https;AccountName=store{i};AccountKey={k};EndpointSuffix=core.windows.net", [core(k)], ["DefaultEndpointsProtocol=https;AccountName=store", "AccountKey=", ";EndpointSuffix=core.windows.net"])
    sig = b64(32).replace('+', '%2B').replace('/', '%2F').replace('=', '%3D')
    S("vendor", f"azure SAS sig {i}", f"https://store{i}.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-05T00:00:00Z&sig={sig}", [core(sig)], ["https://store", ".blob.core.windows.net/backups/db.bak?sv=2022-11-02", "&sig="])
    t = tok(36); S("vendor", f"npm token {i}", f"//registry.npmjs.org/:always-auth=true npm_{t}", [t], ["//registry.npmjs.org/:always-auth=true"])
    t = rnd(34, U + L, digit=False); S("vendor", f"huggingface {i}", f"huggingface-cli login --token hf_{t} --add-to-git-credential", [t], ["huggingface-cli login --token ", "--add-to-git-credential"])
    t = hexs(32); S("vendor", f"twilio api key sid {i}", f"client = Client('SK{t}', api_secret, account_sid)", [t], ["client = Client('", "', api_secret, account_sid)"])
    a, b = rnd(22, AN + '_-'), rnd(43, AN + '_-')
    S("vendor", f"sendgrid {i}", f"sg = SendGridAPIClient('SG.{a}.{b}')", [core(a), core(b)], ["sg = SendGridAPIClient('", "')"])
    t = rnd(20, AN + '_-'); S("vendor", f"gitlab pat {i}", f"git remote set-url origin https://gitlab.com/acme/app.git # glpat-{t}", [core(t)], ["git remote set-url origin https://gitlab.com/acme/app.git #"])
    t = rnd(120, AN + '_-'); S("vendor", f"google oauth ya29 {i}", f"$ gcloud auth print-access-token\nya29.{t}\n$ ", [core(t)], ["$ gcloud auth print-access-token"])
    t = rnd(28, AN + '_-'); S("vendor", f"google client secret {i}", f'{{"installed":{{"client_id":"{rnd(12,D)}-{rnd(32,L+D)}.apps.googleusercontent.com","client_secret":"GOCSPX-{t}"}}}}', [core(t)], ['"installed"', '.apps.googleusercontent.com"', '"client_secret":"'])
    t = "AgEIcHlwaS5vcmc" + rnd(70, AN + '_-'); S("vendor", f"pypi token {i}", f"twine upload -u __token__ -p pypi-{t} dist/*", [core(t)], ["twine upload -u __token__ -p ", "dist/*"])
    t = tok(52); S("vendor", f"groq {i}", f"client = Groq(api_key=os.environ.get('GROQ_KEY', 'gsk_{t}'))", [t], ["client = Groq(api_key=os.environ.get('GROQ_KEY', '"])
    t = f"xapp-1-A{rnd(10,U+D)}-{rnd(13,D)}-{hexs(64)}"; S("vendor", f"slack app token {i}", f"SLACK_APP_TOKEN value is {t} for socket mode", [t[5:]], ["SLACK_APP_TOKEN value is ", "for socket mode"])
    t = f"T{rnd(10,U+D)}/B{rnd(10,U+D)}/{tok(24)}"; S("vendor", f"slack webhook {i}", f"curl -X POST -d @payload.json https://hooks.slack.com/services/{t}", [t.split('/')[2]], ["curl -X POST -d @payload.json https://hooks.slack.com/services/"])
    t = rnd(40, AN + '_-'); S("vendor", f"openai project key {i}", f"OpenAI(api_key='sk-proj-{t}')", [core(t)], ["OpenAI(api_key='"])
    t = rnd(93, AN + '_-'); S("vendor", f"anthropic key {i}", f"Using key sk-ant-api03-{t}AA for the eval", [core(t)], ["Using key ", "for the eval"])
    t = rnd(82, AN + '_'); S("vendor", f"github fine-grained {i}", f"GH_TOKEN=github_pat_{t} gh pr list", [t], ["gh pr list"])
    t = f"xoxb-{rnd(11,D)}-{rnd(13,D)}-{tok(24)}"; S("vendor", f"slack bot token {i}", f"bot token: {t}", [t[5:]], ["bot token: "])
    t = rnd(35, AN + '_-'); S("vendor", f"google api key {i}", f"https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key=AIza{t}", [core(t)], ["https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key="])

for i in range(3):
    p = pw(); S("structured", f"mcp json password {i}", f'{{"content":[{{"type":"text","text":"created user"}}],"structuredContent":{{"user":"svc-{i}","password":"{p}"}}}}', [p], ['"user":"svc-', '"password":"', '"content":[{"type":"text","text":"created user"}]'])
    p = pw(); S("structured", f"json in json password {i}", f'{{"type":"text","text":"{{\\"user\\": \\"admin\\", \\"password\\": \\"{p}\\", \\"port\\": 5432}}"}}', [p], ['\\"user\\": \\"admin\\"', '\\"password\\": \\"', '\\"port\\": 5432'])
    p = pw(); S("structured", f"python repr {i}", f"{{'host': 'db-{i}', 'user': 'app', 'password': '{p}', 'sslmode': 'require'}}", [p], ["'host': 'db-", "'password': '", "'sslmode': 'require'"])
    p = pw(); S("structured", f"escaped url {i}", f'{{"dsn":"postgres:\\/\\/app:{p}@db-{i}:5432\\/app"}}', [p], ['{"dsn":"postgres:\\/\\/app:', "@db-", ':5432\\/app"}'])
    t = rnd(48, AN + '_-'); S("structured", f"json unicode escaped dash {i}", f'{{"text":"key is sk\\u002dproj\\u002d{t}"}}', [core(t)], ['{"text":"key is '])
    t = rnd(48, AN + '_-'); S("structured", f"key after newline escape {i}", f'{{"output":"line one\\nsk-proj-{t}\\nline three"}}', [core(t)], ['{"output":"line one\\n', '\\nline three"}'])
    t = tok(36); S("structured", f"key after tab escape {i}", f'{{"output":"token\\tghp_{t}\\tscopes: repo"}}', [t], ['{"output":"token\\t', '\\tscopes: repo"}'])
    p = pw(); S("structured", f"json newline then assignment {i}", f'{{"output":"HOME=/root\\npassword={p}\\nSHELL=/bin/bash"}}', [p], ['{"output":"HOME=/root\\npassword=', '\\nSHELL=/bin/bash"}'])
    for key in ["auth", "pwd", "pass", "connection_string", "signing_key", "encryption_key", "AccountKey", "Ocp-Apim-Subscription-Key", "client-key-data"]:
        v = tok(40) if key not in ("pwd", "pass") else pw()
        S("structured", f"unlisted key {key} {i}", f'{{"name":"cfg-{i}","{key}":"{v}","enabled":true}}', [v], ['{"name":"cfg-', f'"{key}":"', '"enabled":true}'])
    p = pw(); S("structured", f"connection string in json {i}", f'{{"ConnectionStrings":{{"Default":"Server=tcp:sql{i}.database.windows.net;Database=app;User Id=sa;Password={p};Encrypt=True"}}}}', [p], ['"ConnectionStrings"', "Server=tcp:sql", "Password=", ";Encrypt=True"])
    p = pw(); S("structured", f"toml password {i}", f'[database]\nurl = "db-{i}:5432"\npassword = "{p}"\n', [p], ["[database]", 'password = "'])
    p = pw(); S("structured", f"yaml quoted {i}", f'smtp:\n  user: mailer\n  password: "{p}"\n  port: 587', [p], ["smtp:", "password: \"", "port: 587"])
    p = pw(); S("structured", f"go struct literal {i}", f'cfg := Config{{Host: "db", Password: "{p}", Port: 5432}}', [p], ['cfg := Config{Host: "db", Password: "', 'Port: 5432}'])
    t = tok(40); S("structured", f"go json escaped ampersand {i}", f'{{"url":"https://x.blob.core.windows.net/c?sv=2022\\u0026sig={t}\\u0026se=2026"}}', [t], ['{"url":"https://x.blob.core.windows.net/c?sv=2022\\u0026sig=', '\\u0026se=2026"}'])
    t = tok(40); S("structured", f"escaped quotes key {i}", f'\\"api_key\\":\\"{t}\\"', [t], ['\\"api_key\\":\\"'])

for i in range(3):
    p = pw()
    for scheme, host in [("postgres", "db.internal:5432/app"), ("mongodb+srv", "cluster0.x1y2z.mongodb.net/test"), ("redis", "cache:6379/0"), ("amqp", "rabbit:5672/vhost"), ("mysql", "db:3306/shop")]:
        p = pw(); S("url", f"{scheme} url {i}", f"connecting to {scheme}://app{i}:{p}@{host} ...", [p], [f"connecting to {scheme}://app{i}:", f"@{host} ..."])
    p = pw(); S("url", f"redis no user {i}", f"REDIS_URL=redis://:{p}@cache-{i}:6379", [p], ["REDIS_URL=redis://:", "@cache-"])
    t = tok(36); S("url", f"github x-access-token {i}", f"git clone https://x-access-token:ghs_{t}@github.com/acme/repo-{i}.git", [t], ["git clone https://x-access-token:", "@github.com/acme/repo-"])
    t = rnd(20, AN + '_-'); S("url", f"gitlab oauth2 {i}", f"git push https://oauth2:glpat-{t}@gitlab.example.com/g/p.git HEAD", [core(t)], ["git push https://oauth2:", "@gitlab.example.com/g/p.git HEAD"])
    t = tok(40); S("url", f"access_token query {i}", f"GET /api/v4/projects?access_token={t}&per_page=100 HTTP/1.1", [t], ["GET /api/v4/projects?access_token=", "&per_page=100 HTTP/1.1"])
    t = hexs(32); S("url", f"api_key query {i}", f"fetching https://api.example.com/data?api_key={t}&q=weather", [t], ["fetching https://api.example.com/data?api_key=", "&q=weather"])
    t = hexs(64); S("url", f"s3 presigned {i}", f"https://bucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261204T120000Z&X-Amz-Expires=3600&X-Amz-Signature={t}", [t], ["https://bucket.s3.amazonaws.com/report.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256", "&X-Amz-Signature="])
    p = pw(); S("url", f"ftp url {i}", f"wget ftp://backup:{p}@files.example.com/db-{i}.tgz", [p], ["wget ftp://backup:", "@files.example.com/db-"])
    p = pw(); S("url", f"json escaped mongodb {i}", f'{{"uri":"mongodb:\\/\\/root:{p}@mongo:27017\\/?authSource=admin"}}', [p], ['{"uri":"mongodb:\\/\\/root:', '@mongo:27017\\/?authSource=admin"}'])

for i in range(3):
    t = tok(40); S("header", f"bearer header {i}", f"> GET /v1/models HTTP/2\n> Authorization: Bearer {t}\n> Accept: */*", [t], ["> GET /v1/models HTTP/2", "> Authorization: Bearer ", "> Accept: */*"])
    t = tok(40); S("header", f"x-api-key header {i}", f"x-api-key: {t}\ncontent-type: application/json", [t], ["x-api-key: ", "content-type: application/json"])
    t = tok(32); S("header", f"X-Auth-Token {i}", f"X-Auth-Token: {t}\r\nHost: api.example.com\r\n", [t], ["X-Auth-Token: ", "Host: api.example.com"])
    t = tok(48); S("header", f"cookie header {i}", f"Cookie: _ga=GA1.2.{rnd(9,D)}; sessionid={t}\nUser-Agent: curl/8.5.0", [t], ["Cookie: ", "User-Agent: curl/8.5.0"])
    t = tok(48); S("header", f"set-cookie {i}", f"< Set-Cookie: session={t}; Path=/; HttpOnly; Secure\n< Content-Length: 0", [t], ["< Set-Cookie: ", "< Content-Length: 0"])
    b = base64.b64encode(f"proxyuser:{pw()}".encode()).decode(); S("header", f"proxy-authorization basic {i}", f"Proxy-Authorization: Basic {b}\nVia: 1.1 squid", [core(b)], ["Proxy-Authorization: Basic ", "Via: 1.1 squid"])
    t = hexs(32); S("header", f"Ocp-Apim-Subscription-Key {i}", f"-H 'Ocp-Apim-Subscription-Key: {t}' -H 'Content-Type: application/json'", [t], ["-H 'Ocp-Apim-Subscription-Key: ", "-H 'Content-Type: application/json'"])
    t = rnd(20, AN + '_-'); S("header", f"PRIVATE-TOKEN {i}", f'curl --header "PRIVATE-TOKEN: glpat-{t}" "https://gitlab.example.com/api/v4/projects"', [core(t)], ['curl --header "PRIVATE-TOKEN: ', '"https://gitlab.example.com/api/v4/projects"'])
    t = hexs(40); S("header", f"authorization token hex {i}", f"Authorization: token {t}", [t], ["Authorization: token "])
    t = hexs(32); S("header", f"azure api-key {i}", f"api-key: {t}\nUser-Agent: AzureOpenAI/1.0", [t], ["api-key: ", "User-Agent: AzureOpenAI/1.0"])
    t = tok(40); S("header", f"X-Goog-Api-Key {i}", f"X-Goog-Api-Key: {t}", [t], ["X-Goog-Api-Key: "])

def pemblock(label, lines=6, width=64):
    body = [rnd(width, AN + '+/') for _ in range(lines)] + [rnd(20, AN + '+/') + "=="]
    return body
for i in range(3):
    for label in ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]:
        body = pemblock(label)
        text = f"$ cat id_{i}\n-----BEGIN {label}-----\n" + "\n".join(body) + f"\n-----END {label}-----\n$ ls"
        S("pem", f"{label} {i}", text, [body[0][:40], body[3][:40]], [f"$ cat id_{i}", "$ ls"])
    body = pemblock("x")
    text = '{"output":"-----BEGIN PRIVATE KEY-----\\n' + "\\n".join(body) + '\\n-----END PRIVATE KEY-----\\n","exit_code":0}'
    S("pem", f"pem in json {i}", text, [body[1][:40], body[5][:40]], ['{"output":"', '\\n","exit_code":0}'])
    body = pemblock("x")
    text = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,%s\n\n" % hexs(32).upper() + "\n".join(body) + "\n-----END RSA PRIVATE KEY-----"
    S("pem", f"encrypted pem {i}", text, [body[0][:40], body[4][:40]], [])
    body = pemblock("x")[:3]
    text = "key material follows:\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(body) + "\n[output truncated]\nexit code 0"
    S("pem", f"pem cut short {i}", text, [body[0][:40], body[2][:40]], ["key material follows:", "[output truncated]\nexit code 0"])
    body = pemblock("x")
    text = "PRIVATE_KEY=-----BEGIN PRIVATE KEY----- " + " ".join(body) + " -----END PRIVATE KEY----- ./run"
    S("pem", f"pem flattened {i}", text, [body[0][:40], body[6][:20]], ["PRIVATE_KEY=", " ./run"])
    body = pemblock("x")
    text = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\n" + "\n".join(body) + "\n=" + rnd(4, AN) + "\n-----END PGP PRIVATE KEY BLOCK-----"
    S("pem", f"pgp block {i}", text, [body[0][:40], body[5][:40]], [])

for i in range(4):
    t = tok(40); S("entropy", f"json token {i}", f'{{"token": "{t}", "expires_in": 3600}}', [t], ['{"token": "', '"expires_in": 3600}'])
    t = tok(32); S("entropy", f"auth_token assignment {i}", f"auth_token={t} ./sync.sh", [t], ["auth_token=", "./sync.sh"])
    t = tok(40); S("entropy", f"STRIPE_KEY env {i}", f"STRIPE_KEY={t}\nSTRIPE_MODE=live", [t], ["STRIPE_KEY=", "STRIPE_MODE=live"])
    t = tok(40); S("entropy", f"yaml session_token {i}", f"session_token: {t}\nregion: eu", [t], ["session_token: ", "region: eu"])
    t = hexs(64); S("entropy", f"signature field {i}", f'{{"event":"push","signature":"{t}"}}', [t], ['{"event":"push","signature":"'])
    t = tok(24); S("entropy", f"camelCase accessToken {i}", f"accessToken: '{t}',", [t], ["accessToken: '"])
    t = b64(48); S("entropy", f"x-amz-security-token {i}", f"X-Amz-Security-Token: {t}", [core(t)], ["X-Amz-Security-Token: "])
    t = tok(40); S("entropy", f"bootstrap token {i}", f"kubeadm join 10.0.0.1:6443 --token {t[:6].lower()}.{t[6:22].lower()} --discovery-token-ca-cert-hash sha256:{hexs(64)}", [t[6:22].lower()], ["kubeadm join 10.0.0.1:6443 --token ", "--discovery-token-ca-cert-hash sha256:"])

# ---------------- clean ----------------
def sha(n=64): return hexs(n)
for i in range(3):
    C("hash", f"sha256sum {i}", f"{sha()}  dist/app-{i}.tar.gz")
    C("hash", f"docker digest {i}", f"Digest: sha256:{sha()}\nStatus: Downloaded newer image for python:3.12")
    C("hash", f"md5 {i}", f"md5: {sha(32)} file_{i}.bin")
    C("uuid", f"uuids {i}", f"thread 0199a213-81c0-7800-8aa1-{hexs(12)} started; request-id: {hexs(8)}-{hexs(4)}-{hexs(4)}-{hexs(4)}-{hexs(12)}")
    C("git", f"git log {i}", f"commit {sha(40)}\nAuthor: Dev <dev@example.com>\nDate:   Fri Dec 4 20:00:00 2026 +0000\n\n    fix: bearer parsing in the auth middleware")
    C("git", f"git short shas {i}", f"{hexs(7)} Merge pull request #{100+i} from acme/feature-token-refresh\n{hexs(7)} Add password reset flow")
    C("base64", f"data uri png {i}", f'<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk{b64(30)}" alt="logo">')
    C("public-key", f"ssh public key {i}", f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{rnd(43, AN+'+/')} dev@laptop-{i}")
    C("public-key", f"authorized_keys rsa {i}", f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{rnd(200, AN+'+/')}= ci@runner")
    C("public-key", f"pem public key {i}", "-----BEGIN PUBLIC KEY-----\n" + "\n".join(rnd(64, AN+'+/') for _ in range(4)) + "\n-----END PUBLIC KEY-----")
    C("public-key", f"certificate {i}", "-----BEGIN CERTIFICATE-----\n" + "\n".join(rnd(64, AN+'+/') for _ in range(5)) + "\n-----END CERTIFICATE-----")
    C("code", f"bearer in go {i}", f'req.Header.Set("Authorization", "Bearer "+token)\nresp, err := client.Do(req) // attempt {i}')
    C("code", f"bearer in python {i}", f'headers = {{"Authorization": f"Bearer {{api_key}}", "Content-Type": "application/json"}}')
    C("tokenizer", f"special tokens {i}", f'{{"bos_token": "<s>", "eos_token": "<|endoftext|>", "pad_token": "[PAD]", "unk_token": "<unk>", "model_max_length": {2048*(i+1)}}}')
    C("tokenizer", f"tokenizer yaml {i}", f"eos_token: <|im_end|>\npad_token: <|endoftext|>\nmax_tokens: {4096*(i+1)}")
    C("pagination", f"next_page_token {i}", f'{{"items": [], "next_page_token": "{rnd(60, AN)}"}}')
    C("pagination", f"cursor {i}", f'{{"data": [], "has_more": true, "next_cursor": "{rnd(40, AN)}", "starting_after": "obj_{rnd(14, AN)}"}}')
    C("pagination", f"pageToken {i}", f"GET /v1/files?pageSize=100&pageToken={rnd(40, AN)}")
    C("resource", f"sk- names {i}", f"kubectl rollout restart deploy/sk-worker-{i} -n sk-batch && helm list | grep sk-learn-serving")
    C("resource", f"sklearn {i}", f"pip install scikit-learn=={1+i}.5.2 sk-video sk-dist")
    C("counts", f"token usage {i}", f'{{"input_tokens": {1000+i}, "cached_input_tokens": 800, "output_tokens": 234, "reasoning_output_tokens": 12, "total_tokens": {1234+i}}}')
    C("counts", f"max_tokens cli {i}", f"codex exec --config model_max_output_tokens=4096 --config max_tokens={1024*(i+1)} 'summarise'")
    C("counts", f"token counts prose {i}", f"Token usage: total={5330+i} input=5000 (+ 4000 cached) output=330 token_count: 3")

C("code", "go getenv", 'password := os.Getenv("DB_PASSWORD")\nif password == "" {\n\treturn errors.New("DB_PASSWORD is not set")\n}')
C("code", "python getpass", 'password = getpass.getpass("Password: ")\ntoken = request.headers.get("Authorization")')
C("code", "python kwargs identifiers", "conn = psycopg.connect(host=host, user=user, password=password, dbname=dbname)")
C("code", "python typed signature", "def login(username: str, password: str, token: Optional[str] = None) -> Session:")
C("code", "typescript interface", "interface Credentials {\n  username: string;\n  password: string;\n  apiKey?: string;\n}")
C("code", "go struct", 'type Config struct {\n\tPassword string `json:"password"`\n\tToken    string `json:"token,omitempty"`\n}')
C("code", "go struct literal from vars", "cfg := Config{Password: cfg.Password, Token: token, Secret: s.secret}")
C("code", "pem header in go", 'if strings.HasPrefix(line, "-----BEGIN RSA PRIVATE KEY-----") {\n\treturn parseKey(rest)\n}\nreturn nil, errNotKey')
C("code", "pem header in python", 'PEM_HEADER = "-----BEGIN PRIVATE KEY-----"\nPEM_FOOTER = "-----END PRIVATE KEY-----"\ndef is_pem(s): return s.startswith(PEM_HEADER)')
C("code", "shell script vars", 'curl -u "$USER:$PASS" -H "Authorization: Bearer $TOKEN" "$API_URL/v1/items"')
C("code", "github actions", "env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}")
C("code", "ansible template", 'db_password: "{{ vault_db_password }}"\napi_key: "{{ lookup(\'env\', \'API_KEY\') }}"')
C("code", "python format", 'log.info("password=%s token=%(token)s", masked, {"token": "***"})')
C("code", "placeholders", "password=<your-password>\napi_key: <YOUR_API_KEY>\ntoken: [REDACTED]\nsecret: ********")
C("code", "docker login stdin", "echo $CR_PAT | docker login ghcr.io -u USERNAME --password-stdin")
C("command", "mysql prompt", "mysql -u root -p -h 127.0.0.1 shop")
C("command", "ssh port", "ssh -p 2222 deploy@host.example.com 'uptime'")
C("command", "mkdir -p", "mkdir -p /tmp/build/out && cp -p a.txt /tmp/build/out/")
C("command", "git log -p", "git log -p --stat -- src/auth/token.go")
C("command", "docker publish port", "docker run -p 8080:80 -e MODE=dev nginx:1.27")
C("command", "curl user without password", "curl -u admin https://api.example.com/v1/me")
C("command", "password file flag", "pg_dump --password-file=/run/secrets/pg --no-password -h db app")
C("command", "ps output", "USER  PID %CPU COMMAND\nroot    1  0.0 /sbin/init\ndev   420  1.2 node server.js --port 3000")
C("config", "pwd env", "PWD=/home/dev/project\nOLDPWD=/home/dev\nSHELL=/bin/bash\nTERM=xterm-256color")
C("config", "password file path", "password_file: /run/secrets/db_password\npassword_min_length: 12\nsecret_name: db-creds")
C("config", "kubernetes secret ref", "env:\n- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef:\n      name: db\n      key: password")
C("config", "json schema", '{"type": "object", "properties": {"password": {"type": "string", "minLength": 8}, "token": {"type": "string"}}}')
C("config", "auth settings", "auth: required\nauth_method: oauth2\ntoken_ttl: 3600\nsecret_rotation_days: 30")
C("prose", "password prose", "Password: The one you chose when you signed up. Forgot your password? Reset it from the login page.")
C("prose", "token prose", "The token expired at 12:00; request a new token from the settings page. Token: see above.")
C("prose", "bearer prose", "The bearer of this letter is authorised. Basic authentication is disabled; use bearer tokens.")
C("prose", "key prose", "Press any key to continue. The primary key is id; the cache key is user:123:profile.")
C("prose", "english", "The quick brown fox jumps over the lazy dog while reading files in the home directory.")
C("json", "codex item", '{"type":"item.completed","item":{"id":"item_3","type":"command_execution","command":"bash -lc \'ls -la\'","aggregated_output":"total 8\\ndrwxr-xr-x 2 dev dev 4096 Dec  4 20:00 .\\n","exit_code":0,"status":"completed"}}')
C("json", "headers dump", '{"content-type": "application/json", "x-request-id": "req_' + rnd(24, AN) + '", "openai-processing-ms": "312", "x-ratelimit-remaining-tokens": "149000"}')
C("json", "oauth token type", '{"token_type": "Bearer", "expires_in": 3599, "scope": "openid email"}')
C("url", "urls without password", "https://user@example.com/ and ssh://git@github.com:22/org/repo and https://example.com:8443/path?q=a@b")
C("url", "url query params", "https://www.example.com/search?q=password+reset&page=2&sort=desc&lang=en")
C("url", "slack non-webhook url", "https://acme.slack.com/archives/C0123456789/p1700000000000000")
C("header", "ordinary headers", "Content-Type: application/json\nAccept: */*\nUser-Agent: codex/0.69\nX-Request-Id: " + hexs(32))
C("header", "authorization placeholder", "Authorization: Bearer <token>\nAuthorization: Bearer ${TOKEN}\nAuthorization: Basic $CREDS")
C("shell", "shell script", '#!/bin/sh\nset -eu\nfor f in "$@"; do\n  [ -f "$f" ] || continue\n  sha256sum "$f" >> SHA256SUMS\ndone')
C("shell", "ls output", "-rw-r--r--  1 dev  staff   1204 Dec  4 20:00 token_test.go\n-rw-r--r--  1 dev  staff    982 Dec  4 20:00 password.go")
C("log", "go test output", "=== RUN   TestTokenRefresh\n--- PASS: TestTokenRefresh (0.01s)\nok  \tgithub.com/acme/auth\t0.123s")
C("log", "python log", "2026-12-04 20:00:00,123 INFO auth.token: refreshed token for user_id=42 (expires_in=3600)")
C("log", "npm output", "added 312 packages, and audited 313 packages in 4s\n\n42 packages are looking for funding\n  run `npm fund` for details")
C("json", "jwt header only", "eyJhbGciOiJIUzI1NiJ9 is only a header")
C("config", "signature words", "function signature: func(ctx context.Context, token string) error\nsig: v1")


C("code", "go test verdict", "--- PASS: TestE2E (1.20s)\n--- FAIL: TestTokenRefresh2 (0.01s)\nPASS: 12 FAIL: 1")
C("code", "go field from field", "hello.cookie = hs.serverHello.cookie\nm.cookie = randomBytes(rand.Intn(500)+1, rand)")
C("code", "go struct literal identifiers", "cert := Certificate{Certificate: [][]byte{testRSA2048Certificate}, PrivateKey: testP256PrivateKey}\npriv := Key{PrivateKey:  privBytes, pwd: cwd}")
C("code", "go enum assignment", "cfg.ClientAuth = VerifyClientCertIfGiven\nserverConfig.ClientAuth = RequireAndVerifyClientCert")
C("code", "go range cookies", "for _, cookie := range c.Jar.Cookies(u) {\n\treq.AddCookie(cookie)\n}")
C("code", "python prompt default", "def unix_getpass(prompt='Password: ', stream=None):")
C("code", "python call value", "auth = base64.b64encode(user_passwd.encode()).decode('ascii')")
C("code", "go string concat env", 'env = append(env, "PWD="+dir)\nif strings.HasPrefix(kv, "PWD=") {')
C("code", "format verbs", 'fmt.Sprintf("user=%#v, pass=%#v, token=%q, secret=%-8s", u, p, t, s)')
C("code", "hex constants", "CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0 // embedded form of signature data")
C("code", "value equals name", 'encodeUserPassword:   "encodeUserPassword",\nFTINTRP_W_D:  "FTINTRPWD",')
C("prose", "ellipsis placeholders", "BackendSpanExporter(api_key=…) with a schedule; CODEX_API_KEY=dummy codex exec; tracing={\"api_key\": …}")
C("code", "go walrus", 'token := r.Header.Get("X-Token")\npassword := cfg.Password')
C("code", "python string ending at the operator", 'print("shlex: raw token=" + repr(result))\nlog("password=" + masked + " ok")')
C("code", "ini letters", "[auth]\npassword = value\ntoken = TOKEN")

# transcripts: a selection of real Codex lines
files = sorted(glob.glob('/work/shared/codex-transcripts/*.jsonl'))
lines = []
for f in files:
    for n, line in enumerate(open(f), 1):
        line = line.rstrip('\n')
        if line:
            lines.append((os.path.basename(f), n, line))
R.shuffle(lines)
for fn, n, line in lines[:60]:
    C("codex-transcript", f"{fn}:{n}", line)

os.makedirs('out', exist_ok=True)
with open('out/secrets.jsonl', 'w') as f:
    for c in secrets: f.write(json.dumps(c, ensure_ascii=False) + "\n")
with open('out/clean.jsonl', 'w') as f:
    for c in clean: f.write(json.dumps(c, ensure_ascii=False) + "\n")
print(len(secrets), len(clean))
