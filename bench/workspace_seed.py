#!/usr/bin/env python3
"""Seeds the workspace benchmark's database (bench/workspace) with SQL, after `halsolots migrate`
and `halsolots user add` made the schema, the teams and the staff.

The same rows for both databases (a fixed random seed; times relative to now): 100 000 contact
requests over two years in the three channels and all statuses, with their history; 20 000
participants with a case each (one per accepted request) over the four steps, each case with its
mapping, its changes of step, 1-3 goals, 10 meetings (past: held, cancelled or no-show; future:
planned), 3 notes and 1-2 follow-up tasks (some overdue). About 85 % of the rows are team 1's
(the default team), the rest team 2's; a third of all cases are the benchmark navigator's.

Every NOT NULL column the migrations define is filled; `search_text` is folded exactly as
app/src/ssr/infra/search.rs does it (NFC lower case, phone digits in national form, the code
without its hyphen); times are written as the app writes them (RFC 3339, `+00:00`, chrono's
AutoSi fraction), so ordering by the text column on SQLite agrees with the app's own rows.

Usage:
  workspace_seed.py sqlite PATH   --team1 ID --team2 ID --staff1 A,B,C --staff2 D
  workspace_seed.py postgres      --team1 ID --team2 ID --staff1 A,B,C --staff2 D  | psql ...
(--staff1: team 1's navigators, the benchmark navigator first; --staff2: team 2's.)
Prints what it stored to stderr.
"""
import argparse
import datetime as dt
import hashlib
import random
import sqlite3
import sys
import unicodedata

REQUESTS = 100_000
CASES = 20_000
MEETINGS_PER_CASE = 10
NOTES_PER_CASE = 3
TEAM2_SHARE = 0.15
DAYS = 730

UTC = dt.timezone.utc
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

FIRST = ["Anna", "Åsa", "Märta", "Eva", "Karin", "Ingrid", "Birgitta", "Kerstin", "Maria",
         "Elsa", "Gunnel", "Siv", "Lena", "Ebba", "Sara", "Erik", "Lars", "Karl", "Göran",
         "Björn", "Per", "Nils", "Sven", "Olof", "Jörgen", "Håkan", "Anders", "Mohammed",
         "Ali", "Émile"]
LAST = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
        "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist",
        "Öberg", "Åberg", "Ström", "Bäckström", "Sjöberg", "Hassan"]
ORGS = ["Vårdcentralen Högsby", "Vårdcentralen Berga", "Kommunens hemtjänst",
        "Psykiatrimottagningen Kalmar", "Socialtjänsten Högsby", None]
CALL_TIMES = ["morning", "afternoon", "any"]
INTERESTS = ["outdoors", "culture", "crafts", "exercise", "social", "learning", "helping"]
RELATIONS = ["family", "friend", "neighbour", "other"]
REASONS = ["loneliness", "isolation", "life_change", "low_activity", "other"]
BARRIERS = ["transport", "mobility", "language", "money", "confidence", "health", "time"]
PLACES = ["office", "library", "outdoors", "phone", "video", "home", "other"]
CLOSING = ["found_activity", "on_their_own", "did_not_continue", "moved", "signposted_kurator",
           "signposted_psychologist", "signposted_care", "signposted_other", "unreachable",
           "other"]
GOALS = ["Gå på promenad med någon varje vecka", "Börja i en körgrupp",
         "Träffa andra som tycker om att sticka", "Våga gå till biblioteket själv",
         "Hitta en aktivitet på helgerna", "Prova vattengympa"]
NOTES = ["Ringde och stämde av hur det gått sedan sist.",
         "Vi pratade om vad som är viktigt just nu; hon vill gärna vara ute mer.",
         "Följde med till träffpunkten, han stannade hela eftermiddagen.",
         "Behöver skjuts, kollar färdtjänst till nästa gång.",
         "Tackade nej till gruppen men vill prova promenadgruppen."]
TASKS = ["Ring och följ upp efter första träffen", "Skicka information om körgruppen",
         "Kolla färdtjänst", "Boka nästa träff", "Återkoppla till vårdcentralen"]


def fold(s):
    """infra::search::fold: NFC, lower case, NFC again, runs of white space made one space."""
    lower = unicodedata.normalize("NFC", s).lower()
    return " ".join(unicodedata.normalize("NFC", lower).split())


def phone_digits(e164):
    """infra::search::phone_digits for a stored E.164 number."""
    digits = "".join(c for c in e164 if c.isdigit())
    if e164.startswith("+"):
        if digits.startswith("46"):
            national = digits[2:]
            return "0" + (national[1:] if national.startswith("0") else national)
        return digits
    return digits


def search_text(code, words, phones):
    parts = [fold(code).replace("-", "")]
    parts += [w for w in (fold(w) for w in words if w is not None) if w]
    parts += [phone_digits(p) for p in phones if p is not None]
    return " ".join(parts)


def reference_code(n):
    """A unique, random-looking code per n: a bijection of n on 30^8 (the factor is prime to 30)."""
    v = (n * 2654435761) % (30 ** 8)
    chars = []
    for _ in range(8):
        v, r = divmod(v, 30)
        chars.append(CODE_ALPHABET[r])
    s = "".join(chars)
    return f"{s[:4]}-{s[4:]}"


def ascii_mail(name):
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return plain.replace(" ", ".")


class Seeder:
    def __init__(self, sink, team1, team2, staff1, staff2, now):
        self.sink, self.team1, self.team2 = sink, team1, team2
        self.staff1, self.staff2 = staff1, staff2
        self.now = now
        self.rnd = random.Random(20261201)

    # -- helpers ---------------------------------------------------------------------------
    def phone(self):
        return "+4670" + "".join(str(self.rnd.randrange(10)) for _ in range(7))

    def name(self):
        return f"{self.rnd.choice(FIRST)} {self.rnd.choice(LAST)}"

    def between(self, a, b):
        """A random instant in [a, b), to the microsecond."""
        span = (b - a).total_seconds()
        return a + dt.timedelta(microseconds=int(self.rnd.random() * span * 1e6))

    def office_time(self, day):
        """A meeting's start: a quarter hour between 07:00 and 14:45 UTC on `day`'s date."""
        return dt.datetime(day.year, day.month, day.day, self.rnd.randrange(7, 15),
                           self.rnd.choice([0, 15, 30, 45]), tzinfo=UTC)

    # -- contact requests --------------------------------------------------------------------
    def requests(self):
        r = self.rnd
        start = self.now - dt.timedelta(days=DAYS)
        times = sorted(self.between(start, self.now - dt.timedelta(minutes=5))
                       for _ in range(REQUESTS))
        # Which requests became cases: old enough (3 days), a random 20 000 of them.
        eligible = [i for i, t in enumerate(times) if self.now - t > dt.timedelta(days=3)]
        accepted = set(r.sample(eligible, CASES))
        self.reqs = []
        rows, events = [], []
        for i, created in enumerate(times):
            rid = i + 1
            team = self.team2 if r.random() < TEAM2_SHARE else self.team1
            age = self.now - created
            channel = r.choices(["self", "friend", "professional"], [50, 20, 30])[0]
            if i in accepted:
                status = "accepted"
            elif age < dt.timedelta(days=3):
                status = r.choices(["new", "contacted"], [80, 20])[0]
            elif age < dt.timedelta(days=14):
                status = r.choices(["new", "contacted", "unreachable", "declined"], [40, 40, 10, 10])[0]
            else:
                status = r.choices(["new", "contacted", "unreachable", "declined", "duplicate"],
                                   [1, 25, 25, 35, 14])[0]
            code = reference_code(rid)
            person = self.name()
            person_phone = self.phone() if channel != "professional" or r.random() < 0.8 else None
            person_email = (f"{ascii_mail(person)}{rid}@exempel.se"
                            if r.random() < 0.3 or person_phone is None else None)
            requester_name = requester_phone = requester_email = relation = None
            organisation = message = help_text = None
            call_times, interests, reasons = "", "", ""
            consent_to_store, person_informed, feedback = True, False, False
            if channel == "self":
                call_times = ",".join(r.sample(CALL_TIMES, r.randint(1, 2)))
                interests = ",".join(r.sample(INTERESTS, r.randint(0, 3)))
                help_text = "Jag vill träffa fler människor." if r.random() < 0.6 else None
            elif channel == "friend":
                requester_name = self.name()
                requester_phone = self.phone()
                relation = r.choice(RELATIONS)
                call_times = r.choice(CALL_TIMES)
                message = "Hon är mycket ensam sedan hon blev änka." if r.random() < 0.5 else None
                person_informed = True
            else:
                requester_name = self.name()
                requester_phone = self.phone() if r.random() < 0.7 else None
                requester_email = f"{ascii_mail(requester_name)}@region.exempel.se"
                organisation = r.choice(ORGS)
                reasons = ",".join(r.sample(REASONS, r.randint(1, 3)))
                message = "Remiss efter besök, patienten vill ha kontakt." if r.random() < 0.5 else None
                person_informed = True
                feedback = r.random() < 0.5
            # A friend's request older than a week has the person's yes (else the erase job
            # would take it while the benchmark runs); an accepted one always has.
            consented = None
            if channel == "friend" and (status == "accepted" or age > dt.timedelta(days=7)
                                        or r.random() < 0.5):
                consented = min(created + dt.timedelta(hours=r.randint(1, 48)), self.now)
            updated = created if status == "new" else min(
                created + dt.timedelta(hours=r.randint(1, 72)), self.now)
            version = 1 if status == "new" else 2 + (consented is not None)
            st = search_text(code, [person, person_email, requester_name, requester_email],
                             [person_phone, requester_phone])
            rows.append((
                rid, team, code, hashlib.md5(f"key{rid}".encode()).hexdigest(),
                hashlib.sha256(f"content{rid}".encode()).hexdigest(),
                hashlib.sha256(f"client{rid % 7919}".encode()).hexdigest(), channel, status,
                person, person_phone, person_email, call_times, interests, help_text,
                requester_name, requester_phone, requester_email, relation, organisation,
                reasons, message, consent_to_store, person_informed, feedback, st, created,
                updated, version, consented))
            if consented is not None:
                events.append((team, rid, consented, None, "consent_given", None, None))
            if status in ("contacted", "accepted", "unreachable", "declined"):
                outcome = "no_answer" if status == "unreachable" else "reached"
                events.append((team, rid, updated, None, "contact_attempt", outcome, None))
            if status == "unreachable":
                events.append((team, rid, updated, None, "unreachable", None, None))
            if status == "declined":
                events.append((team, rid, updated, None, "declined", r.choice(
                    ["not_wanted", "not_eligible", "other_support", "other"]), None))
            if i in accepted:
                self.reqs.append((rid, team, channel, person, person_phone, person_email,
                                  call_times, organisation, updated))
        self.sink.table("contact_requests", [
            "id", "team_id", "reference_code", "idempotency_key", "content_hash", "client_hash",
            "channel", "status", "person_name", "person_phone", "person_email", "call_times",
            "interests", "help_text", "requester_name", "requester_phone", "requester_email",
            "relation", "organisation", "reasons", "message", "consent_to_store",
            "person_informed", "feedback_to_referrer", "search_text", "created_at",
            "updated_at", "version", "consented_at"], rows)
        self.sink.table("contact_request_events", [
            "team_id", "request_id", "at", "actor_staff_id", "kind", "outcome", "detail"], events)

    # -- participants, cases and their work --------------------------------------------------
    def cases(self):
        r = self.rnd
        participants, cases, mappings, changes = [], [], [], []
        goals, meetings, notes, tasks = [], [], [], []
        bench_nav = self.staff1[0]
        others1 = self.staff1[1:] or self.staff1
        self.counts = {}
        for n, (rid, team, channel, person, phone, email, call_times, org, accepted_at) in \
                enumerate(self.reqs):
            cid = n + 1
            if team == self.team1:
                # A third of all cases are the benchmark navigator's.
                nav = bench_nav if r.random() < 1 / 3 / (1 - TEAM2_SHARE) else r.choice(others1)
            else:
                nav = r.choice(self.staff2)
            created = accepted_at
            age_days = (self.now - created).total_seconds() / 86400
            if age_days < 30:
                stage = r.choices(["mapping", "implementation"], [70, 30])[0]
            elif age_days < 120:
                stage = r.choices(["mapping", "implementation", "closing", "closed"], [10, 60, 20, 10])[0]
            else:
                stage = r.choices(["implementation", "closing", "closed"], [10, 5, 85])[0]
            steps = ["mapping", "implementation", "closing", "closed"]
            k = steps.index(stage)
            end = (min(created + dt.timedelta(days=r.randint(60, 240)), self.now)
                   if stage == "closed" else self.now)
            marks = sorted(self.between(created, end) for _ in range(k))
            since = {"mapping": created}
            for s, t in zip(steps[1:], marks):
                since[s] = t
            closed_at = since.get("closed")
            last = closed_at or since.get(stage)
            self.counts[(team, nav, stage)] = self.counts.get((team, nav, stage), 0) + 1
            contact_way = "email" if phone is None else r.choice(["phone", "phone", "sms"])
            participants.append((
                cid, team, person, phone, email, contact_way, call_times,
                r.choice([None, None, "svenska", "arabiska", "engelska"]), r.random() < 0.05,
                r.randint(1930, 2005) if r.random() < 0.8 else None,
                r.choice([None, "woman", "man", "other"]), created, last, 1))
            cases.append((
                cid, team, cid, rid, channel, org if channel == "professional" else None, nav,
                stage, created, since.get("implementation"), since.get("closing"), closed_at,
                r.randint(4, 8), r.choice(CLOSING) if closed_at else None,
                closed_at.date() if closed_at else None, created, last, 1 + k))
            mapped = k > 0
            mappings.append((
                cid, team, "Musik, promenader" if mapped else "",
                "Träffa fler i min ålder" if mapped else "", "Skjuts ibland" if mapped else "",
                ",".join(r.sample(BARRIERS, r.randint(0, 2))) if mapped else "",
                "Svårt att ta sig in till stan" if mapped else "",
                since.get("implementation"), nav if mapped else None, 2 if mapped else 1))
            prev = None
            for s in steps[:k + 1]:
                changes.append((team, cid, prev, s, since[s], nav,
                                None if s != "closed" else "Avslutat efter sista träffen"))
                prev = s
            open_case = closed_at is None
            for g in range(r.randint(1, 3)):
                status = "active" if open_case else r.choice(["achieved", "partly", "dropped"])
                goals.append((team, cid, r.choice(GOALS), status, created, nav, last, 1))
            # Ten meetings: a closed case's all past; an open case's partly planned ahead.
            past = MEETINGS_PER_CASE if not open_case else r.randint(2, 8)
            past_end = closed_at or self.now
            for m in range(MEETINGS_PER_CASE):
                if m < past:
                    day = self.between(created, past_end)
                    starts = min(self.office_time(day), past_end - dt.timedelta(hours=1))
                    status = r.choices(["held", "cancelled", "no_show"], [80, 12, 8])[0]
                else:
                    day = self.now + dt.timedelta(days=r.randint(1, 60))
                    starts = self.office_time(day)
                    status = "planned"
                booked = min(created + dt.timedelta(hours=1), starts)
                meetings.append((team, cid, nav, starts, r.choice([30, 45, 60, 90]),
                                 r.choice(PLACES), status,
                                 "Bra samtal." if status == "held" and r.random() < 0.3 else "",
                                 booked, nav, booked if status == "planned" else starts, 1))
            for _ in range(NOTES_PER_CASE):
                notes.append((team, cid, self.between(created, past_end), nav, r.choice(NOTES)))
            for _ in range(r.randint(1, 2)):
                if open_case:
                    due = (self.now + dt.timedelta(days=r.randint(-20, 30))).date()
                    done = (self.between(created, self.now)
                            if due < self.now.date() and r.random() < 0.6 else None)
                else:
                    due = self.between(created, closed_at).date()
                    done = closed_at
                tasks.append((team, cid, r.choice(TASKS), due, nav, done,
                              nav if done else None, created, nav, 2 if done else 1))
        self.sink.table("participants", [
            "id", "team_id", "name", "phone", "email", "contact_way", "contact_times",
            "language", "interpreter", "birth_year", "gender", "created_at", "updated_at",
            "version"], participants)
        self.sink.table("cases", [
            "id", "team_id", "participant_id", "request_id", "channel", "referrer_org",
            "navigator_id", "stage", "mapping_since", "implementation_since", "closing_since",
            "closed_at", "planned_meetings", "closing_reason", "closing_date", "created_at",
            "updated_at", "version"], cases)
        self.sink.table("case_mappings", [
            "case_id", "team_id", "interests", "wishes", "needs", "barriers", "barriers_note",
            "updated_at", "updated_by", "version"], mappings)
        self.sink.table("case_stage_changes", [
            "team_id", "case_id", "from_stage", "to_stage", "at", "by_staff_id", "reason"], changes)
        self.sink.table("goals", [
            "team_id", "case_id", "text", "status", "created_at", "created_by", "updated_at",
            "version"], goals)
        self.sink.table("meetings", [
            "team_id", "case_id", "staff_id", "starts_at", "duration_minutes", "place", "status",
            "note", "created_at", "created_by", "updated_at", "version"], meetings)
        self.sink.table("case_notes", ["team_id", "case_id", "at", "author_id", "text"], notes)
        self.sink.table("tasks", [
            "team_id", "case_id", "title", "due_date", "assignee_id", "done_at", "done_by",
            "created_at", "created_by", "version"], tasks)


def auto_si(t):
    """chrono's to_rfc3339_opts(SecondsFormat::AutoSi, false) of a UTC instant (what sqlx writes
    for a DateTime<Utc> on SQLite): no fraction, milli-, or microseconds, as few as are exact."""
    t = t.astimezone(UTC)
    base = t.strftime("%Y-%m-%dT%H:%M:%S")
    us = t.microsecond
    if us == 0:
        frac = ""
    elif us % 1000 == 0:
        frac = f".{us // 1000:03d}"
    else:
        frac = f".{us:06d}"
    return f"{base}{frac}+00:00"


class SqliteSink:
    def __init__(self, path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("BEGIN")

    @staticmethod
    def value(v):
        if isinstance(v, dt.datetime):
            return auto_si(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, bool):
            return int(v)
        return v

    def table(self, name, cols, rows):
        sql = f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
        self.db.executemany(sql, ([self.value(v) for v in row] for row in rows))
        print(f"{name}: {len(rows)}", file=sys.stderr)

    def finish(self):
        self.db.execute("COMMIT")
        self.db.execute("ANALYZE")
        self.db.close()


class PostgresSink:
    """COPY … FROM STDIN blocks for psql, in one transaction, then the sequences and ANALYZE."""

    def __init__(self, out):
        self.out = out
        self.out.write("BEGIN;\n")
        self.serial = []

    @staticmethod
    def value(v):
        if v is None:
            return r"\N"
        if isinstance(v, bool):
            return "t" if v else "f"
        if isinstance(v, dt.datetime):
            return v.astimezone(UTC).isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        s = str(v)
        return (s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))

    def table(self, name, cols, rows):
        self.out.write(f"COPY {name} ({', '.join(cols)}) FROM STDIN;\n")
        for row in rows:
            self.out.write("\t".join(self.value(v) for v in row))
            self.out.write("\n")
        self.out.write("\\.\n")
        if cols[0] == "id":
            self.serial.append(name)
        print(f"{name}: {len(rows)}", file=sys.stderr)

    def finish(self):
        for name in self.serial:
            self.out.write(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                           f"(SELECT max(id) FROM {name}));\n")
        # VACUUM as autovacuum would have by now: index-only scans need the visibility map.
        self.out.write("COMMIT;\nVACUUM ANALYZE;\n")
        self.out.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("db", choices=["sqlite", "postgres"])
    p.add_argument("path", nargs="?")
    p.add_argument("--team1", type=int, required=True)
    p.add_argument("--team2", type=int, required=True)
    p.add_argument("--staff1", required=True)
    p.add_argument("--staff2", required=True)
    a = p.parse_args()
    staff1 = [int(x) for x in a.staff1.split(",")]
    staff2 = [int(x) for x in a.staff2.split(",")]
    if a.db == "sqlite":
        if not a.path:
            p.error("sqlite needs the database file")
        sink = SqliteSink(a.path)
    else:
        sink = PostgresSink(sys.stdout)
    now = dt.datetime.now(UTC)
    s = Seeder(sink, a.team1, a.team2, staff1, staff2, now)
    s.requests()
    s.cases()
    sink.finish()
    mine = sum(v for (t, nav, _), v in s.counts.items() if nav == staff1[0])
    open_team = sum(v for (t, _, st), v in s.counts.items() if t == a.team1 and st != "closed")
    print(f"cases of the benchmark navigator: {mine}; open cases of team 1: {open_team}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
