"""The workflow expression language: a hand-written tokenizer, parser, type checker and evaluator.

Administrators write expressions such as ``amount * probability / 100`` or
``if amount > 10000000 then 'big' else 'small' end``.  They are parsed once
when the workflow is saved, so a syntax error or a type mismatch is reported
then, with the character position, instead of when the workflow runs.

Safety: there is no ``eval``, no attribute or item access and no way to reach
Python objects; names resolve only to the record's fields (``account.industry``
follows one reference) and to the registered functions.  Expressions are
bounded in length, node count and nesting depth.

Values: numbers are ``Decimal``, text is ``str``, plus ``date``, ``datetime``,
booleans and ``null``.  ``null`` propagates through arithmetic; division by
zero gives ``null`` (as in SQL) rather than failing a save.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable

from core.plugin_api import translator

_, _l = translator("workflows")

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_DEPTH = 40

NUMBER, TEXT, DATE, DATETIME, BOOLEAN, ANY = "number", "text", "date", "datetime", "boolean", "any"
SAME_AS_FIRST = "same_as_first"

KEYWORDS = {"if", "then", "else", "end", "and", "or", "not", "true", "false", "null"}
TOKEN_RE = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
  | (?P<op><=|>=|!=|<>|==|[-+*/%<>=(),])
""", re.VERBOSE)


class ExpressionError(ValueError):
    """A problem in an expression, with the 0-based character position it was found at."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return _("%(message)s (at character %(position)s)", message=self.message, position=self.position + 1)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int


@dataclass
class Function:
    """An expression function: ``args`` are the argument types (``ANY`` accepts all), ``returns`` its type.

    Plugins may return plain callables from ``crm_workflow_functions``; those take
    and return anything.  ``min_args``/``max_args`` default to ``len(args)``.
    """

    impl: Callable[..., Any]
    args: tuple[str, ...] = ()
    returns: str = ANY
    min_args: int | None = None
    max_args: int | None = None
    variadic: bool = False

    def arity(self) -> tuple[int, int | None]:
        low = len(self.args) if self.min_args is None else self.min_args
        high = None if self.variadic else (len(self.args) if self.max_args is None else self.max_args)
        return low, high


def tokenize(source: str) -> list[Token]:
    if not isinstance(source, str) or not source.strip():
        raise ExpressionError(_("The expression is empty."), 0)
    if len(source) > MAX_LENGTH:
        raise ExpressionError(_("The expression is longer than %(n)s characters.", n=MAX_LENGTH), MAX_LENGTH)
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = TOKEN_RE.match(source, pos)
        if match is None:
            raise ExpressionError(_("Unexpected character %(char)s.", char=repr(source[pos])), pos)
        kind = match.lastgroup
        text = match.group()
        if kind == "name" and text.lower() in KEYWORDS:
            kind, text = "keyword", text.lower()
        if kind != "ws":
            tokens.append(Token(kind, text, pos))
        pos = match.end()
    tokens.append(Token("eof", "", len(source)))
    return tokens


# --- syntax tree -----------------------------------------------------------

@dataclass
class Node:
    kind: str            # literal, field, call, unary, binary, if
    pos: int
    value: Any = None    # literal value, field path, function name, operator
    children: tuple = ()


class Parser:
    """Recursive descent: or > and > not > comparison > additive > multiplicative > unary > primary."""

    COMPARISONS = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}

    def __init__(self, source: str):
        self.tokens = tokenize(source)
        self.index = 0
        self.nodes = 0

    def parse(self) -> Node:
        node = self.expression(0)
        token = self.peek()
        if token.kind != "eof":
            raise ExpressionError(_("Unexpected %(token)s.", token=repr(token.text)), token.pos)
        return node

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def accept(self, kind: str, text: str) -> bool:
        token = self.peek()
        if token.kind == kind and token.text == text:
            self.index += 1
            return True
        return False

    def expect(self, kind: str, text: str) -> Token:
        token = self.peek()
        if token.kind != kind or token.text != text:
            found = repr(token.text) if token.kind != "eof" else _("the end")
            raise ExpressionError(_("Expected %(expected)s but found %(found)s.", expected=repr(text), found=found),
                                  token.pos)
        return self.take()

    def node(self, kind, pos, value=None, children=(), depth=0) -> Node:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise ExpressionError(_("The expression is too long (at most %(n)s parts).", n=MAX_NODES), pos)
        if depth > MAX_DEPTH:
            raise ExpressionError(_("The expression is nested too deeply."), pos)
        return Node(kind, pos, value, tuple(children))

    def expression(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise ExpressionError(_("The expression is nested too deeply."), self.peek().pos)
        return self.logical_or(depth)

    def logical_or(self, depth):
        left = self.logical_and(depth)
        while self.peek().kind == "keyword" and self.peek().text == "or":
            pos = self.take().pos
            left = self.node("binary", pos, "or", (left, self.logical_and(depth)), depth)
        return left

    def logical_and(self, depth):
        left = self.logical_not(depth)
        while self.peek().kind == "keyword" and self.peek().text == "and":
            pos = self.take().pos
            left = self.node("binary", pos, "and", (left, self.logical_not(depth)), depth)
        return left

    def logical_not(self, depth):
        token = self.peek()
        if token.kind == "keyword" and token.text == "not":
            self.take()
            return self.node("unary", token.pos, "not", (self.logical_not(depth + 1),), depth)
        return self.comparison(depth)

    def comparison(self, depth):
        left = self.additive(depth)
        token = self.peek()
        if token.kind == "op" and token.text in self.COMPARISONS:
            self.take()
            left = self.node("binary", token.pos, self.COMPARISONS[token.text], (left, self.additive(depth)), depth)
        return left

    def additive(self, depth):
        left = self.multiplicative(depth)
        while self.peek().kind == "op" and self.peek().text in "+-":
            token = self.take()
            left = self.node("binary", token.pos, token.text, (left, self.multiplicative(depth)), depth)
        return left

    def multiplicative(self, depth):
        left = self.unary(depth)
        while self.peek().kind == "op" and self.peek().text in ("*", "/", "%"):
            token = self.take()
            left = self.node("binary", token.pos, token.text, (left, self.unary(depth)), depth)
        return left

    def unary(self, depth):
        token = self.peek()
        if token.kind == "op" and token.text == "-":
            self.take()
            return self.node("unary", token.pos, "-", (self.unary(depth + 1),), depth)
        return self.primary(depth)

    def primary(self, depth):
        token = self.take()
        if token.kind == "number":
            return self.node("literal", token.pos, Decimal(token.text), (), depth)
        if token.kind == "string":
            body = token.text[1:-1]
            return self.node("literal", token.pos, re.sub(r"\\(.)", r"\1", body), (), depth)
        if token.kind == "keyword":
            if token.text in ("true", "false"):
                return self.node("literal", token.pos, token.text == "true", (), depth)
            if token.text == "null":
                return self.node("literal", token.pos, None, (), depth)
            if token.text == "if":
                return self.conditional(token, depth)
        if token.kind == "name":
            if self.accept("op", "("):
                return self.call(token, depth)
            return self.node("field", token.pos, token.text, (), depth)
        if token.kind == "op" and token.text == "(":
            inner = self.expression(depth + 1)
            self.expect("op", ")")
            return inner
        found = repr(token.text) if token.kind != "eof" else _("the end")
        raise ExpressionError(_("Expected a value but found %(found)s.", found=found), token.pos)

    def conditional(self, token, depth):
        condition = self.expression(depth + 1)
        self.expect("keyword", "then")
        then = self.expression(depth + 1)
        self.expect("keyword", "else")
        otherwise = self.expression(depth + 1)
        self.expect("keyword", "end")
        return self.node("if", token.pos, None, (condition, then, otherwise), depth)

    def call(self, token, depth):
        args = []
        if not self.accept("op", ")"):
            args.append(self.expression(depth + 1))
            while self.accept("op", ","):
                args.append(self.expression(depth + 1))
            self.expect("op", ")")
        return self.node("call", token.pos, token.text.lower(), args, depth)


# --- type checking ---------------------------------------------------------

def literal_type(value) -> str:
    if value is None:
        return ANY
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, Decimal):
        return NUMBER
    return TEXT


def compatible(a: str, b: str) -> bool:
    return a == ANY or b == ANY or a == b or {a, b} == {DATE, DATETIME}


class TypeChecker:
    """Infers each node's type; ``field_type(path)`` returns a type or ``None`` for an unknown field."""

    def __init__(self, field_type: Callable[[str], str | None], functions: dict[str, Function]):
        self.field_type = field_type
        self.functions = functions
        self.fields: set[str] = set()

    def check(self, node: Node) -> str:
        return getattr(self, "check_" + node.kind)(node)

    def check_literal(self, node):
        return literal_type(node.value)

    def check_field(self, node):
        kind = self.field_type(node.value)
        if kind is None:
            raise ExpressionError(_("Unknown field %(name)s.", name=node.value), node.pos)
        self.fields.add(node.value)
        return kind

    def check_unary(self, node):
        inner = self.check(node.children[0])
        wanted = BOOLEAN if node.value == "not" else NUMBER
        self.require(inner, wanted, node.children[0])
        return wanted

    def check_binary(self, node):
        op = node.value
        left, right = (self.check(c) for c in node.children)
        if op in ("and", "or"):
            self.require(left, BOOLEAN, node.children[0])
            self.require(right, BOOLEAN, node.children[1])
            return BOOLEAN
        if op in ("=", "!=", "<", "<=", ">", ">="):
            left, right = self.date_literals(node, left, right)
            if not compatible(left, right):
                raise ExpressionError(_("Cannot compare %(left)s with %(right)s.", left=type_name(left),
                                        right=type_name(right)), node.pos)
            return BOOLEAN
        self.require(left, NUMBER, node.children[0])
        self.require(right, NUMBER, node.children[1])
        return NUMBER

    @staticmethod
    def date_literals(node, left: str, right: str) -> tuple[str, str]:
        """``close_date < '2026-03-11'``: a text literal compared with a date is read as a date."""
        types = [left, right]
        for i, child in enumerate(node.children):
            other = types[1 - i]
            if types[i] == TEXT and other in (DATE, DATETIME) and child.kind == "literal":
                try:
                    child.value = dt.date.fromisoformat(child.value)
                except ValueError:
                    raise ExpressionError(_("Not a valid date (YYYY-MM-DD)."), child.pos) from None
                types[i] = DATE
        return types[0], types[1]

    def check_if(self, node):
        condition, then, otherwise = node.children
        self.require(self.check(condition), BOOLEAN, condition)
        a, b = self.check(then), self.check(otherwise)
        if not compatible(a, b):
            raise ExpressionError(_("Both branches must have the same type (%(left)s, %(right)s).",
                                    left=type_name(a), right=type_name(b)), node.pos)
        return b if a == ANY else a

    def check_call(self, node):
        fn = self.functions.get(node.value)
        if fn is None:
            raise ExpressionError(_("Unknown function %(name)s.", name=node.value), node.pos)
        low, high = fn.arity()
        count = len(node.children)
        if count < low or (high is not None and count > high):
            raise ExpressionError(_("%(name)s takes %(n)s arguments, not %(count)s.", name=node.value,
                                    n=f"{low}" if low == high else f"{low}..{high if high is not None else ''}",
                                    count=count), node.pos)
        types = [self.check(c) for c in node.children]
        for i, (arg_type, child) in enumerate(zip(types, node.children)):
            wanted = fn.args[i] if i < len(fn.args) else (fn.args[-1] if fn.args and fn.variadic else ANY)
            if wanted != ANY and not (wanted == DATE and arg_type == DATETIME):
                self.require(arg_type, wanted, child)
        if fn.returns == SAME_AS_FIRST:
            return types[0] if types else ANY
        return fn.returns

    @staticmethod
    def require(actual: str, wanted: str, node: Node):
        if not compatible(actual, wanted):
            raise ExpressionError(_("Expected %(wanted)s but this is %(actual)s.", wanted=type_name(wanted),
                                    actual=type_name(actual)), node.pos)


def type_name(kind: str) -> str:
    return {NUMBER: _("a number"), TEXT: _("text"), DATE: _("a date"), DATETIME: _("a date and time"),
            BOOLEAN: _("true/false"), ANY: _("any value")}.get(kind, kind)


# --- evaluation ------------------------------------------------------------

def to_number(value):
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    return value


class Evaluator:
    """Evaluates a checked tree; ``lookup(path)`` returns a field's value."""

    def __init__(self, lookup: Callable[[str], Any], functions: dict[str, Function]):
        self.lookup = lookup
        self.functions = functions

    def eval(self, node: Node):
        return getattr(self, "eval_" + node.kind)(node)

    def eval_literal(self, node):
        return node.value

    def eval_field(self, node):
        return to_number(self.lookup(node.value))

    def eval_unary(self, node):
        value = self.eval(node.children[0])
        if node.value == "not":
            return None if value is None else not value
        return None if value is None else -value

    def eval_if(self, node):
        condition, then, otherwise = node.children
        return self.eval(then) if self.eval(condition) else self.eval(otherwise)

    def eval_call(self, node):
        fn = self.functions[node.value]
        args = [self.eval(c) for c in node.children]
        try:
            return to_number(fn.impl(*args))
        except (ArithmeticError, OverflowError, ValueError):
            return None  # e.g. add_days(close_date, 99999999): out of range is "no value", as in SQL

    def eval_binary(self, node):
        op = node.value
        if op == "and":
            return bool(self.eval(node.children[0])) and bool(self.eval(node.children[1]))
        if op == "or":
            return bool(self.eval(node.children[0])) or bool(self.eval(node.children[1]))
        left, right = (self.eval(c) for c in node.children)
        if op == "=":
            return comparable(left) == comparable(right)
        if op == "!=":
            return comparable(left) != comparable(right)
        if left is None or right is None:
            return None
        if op in ("<", "<=", ">", ">="):
            a, b = comparable(left), comparable(right)
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        try:
            if op == "+":
                return left + right
            if op == "-":
                return left - right
            if op == "*":
                return left * right
            if op == "/":
                return None if right == 0 else left / right
            return None if right == 0 else left % right
        except InvalidOperation:
            return None


def comparable(value):
    """Dates and datetimes compare as dates when mixed; numbers as Decimal."""
    if isinstance(value, dt.datetime):
        return value
    return to_number(value)


# --- built-in functions ----------------------------------------------------

def _today():
    from plugins.workflows.timeutil import local_today

    return local_today()


def _now():
    from core import clock

    return clock.now()


def _substring(text, start, length=None):
    if text is None or start is None:
        return None
    begin = max(int(start) - 1, 0)
    return str(text)[begin:] if length is None else str(text)[begin:begin + max(int(length), 0)]


def _round(number, places=None):
    if number is None:
        return None
    exponent = Decimal(1).scaleb(-int(places or 0))
    return number.quantize(exponent, rounding=ROUND_HALF_UP)


def _add_days(value, days):
    if value is None or days is None:
        return None
    return value + dt.timedelta(days=int(days))


def _days_between(a, b):
    if a is None or b is None:
        return None
    as_date = lambda v: v.date() if isinstance(v, dt.datetime) else v  # noqa: E731
    return Decimal((as_date(b) - as_date(a)).days)


def _coalesce(*values):
    return next((v for v in values if v is not None), None)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


BUILTINS: dict[str, Function] = {
    "concat": Function(lambda *parts: "".join(_text(p) for p in parts), (ANY,), TEXT, min_args=1, variadic=True),
    "substring": Function(_substring, (TEXT, NUMBER, NUMBER), TEXT, min_args=2),
    "upper": Function(lambda s: None if s is None else str(s).upper(), (TEXT,), TEXT),
    "lower": Function(lambda s: None if s is None else str(s).lower(), (TEXT,), TEXT),
    "round": Function(_round, (NUMBER, NUMBER), NUMBER, min_args=1),
    "add_days": Function(_add_days, (DATE, NUMBER), SAME_AS_FIRST),
    "days_between": Function(_days_between, (DATE, DATE), NUMBER),
    "today": Function(_today, (), DATE),
    "now": Function(_now, (), DATETIME),
    "coalesce": Function(_coalesce, (ANY,), ANY, min_args=1, variadic=True),
}


def as_function(value) -> Function:
    return value if isinstance(value, Function) else Function(value, (ANY,), ANY, min_args=0, variadic=True)


@dataclass
class Expression:
    """A parsed and type-checked expression: its type and the fields it reads."""

    source: str
    tree: Node
    type: str
    fields: frozenset[str]

    def evaluate(self, lookup: Callable[[str], Any], functions: dict[str, Function]):
        return Evaluator(lookup, functions).eval(self.tree)


def compile_expression(source: str, field_type: Callable[[str], str | None],
                       functions: dict[str, Function]) -> Expression:
    """Parse and check ``source``; raises :class:`ExpressionError` with a position."""
    tree = Parser(source).parse()
    checker = TypeChecker(field_type, functions)
    kind = checker.check(tree)
    return Expression(source, tree, kind, frozenset(checker.fields))
