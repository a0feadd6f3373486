using Lora.Runtime.ChatTemplates;

namespace Lora.Runtime.Tests.ChatTemplates;

/// <summary>
/// Python and Jinja semantics the corpus meets only in passing, pinned to what Python's Jinja2 printed for the same
/// expressions (render.py's environment).
/// </summary>
public sealed class ChatTemplatesSemanticsTests
{
    [Theory]
    [InlineData("{{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 3/2 }} {{ 4/2 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 2**10 }} {{ 2**-1 }}",
        "1e+16 1000000000000000.0 0.0001 1e-05 1.5 2.0 3 -4 2 1024 0.5")]
    [InlineData("{{ [1, 'a', None, True, 1.5, {'k': \"it's\"}, (1,)] }}", "[1, 'a', None, True, 1.5, {'k': \"it's\"}, (1,)]")]
    [InlineData("{{ 'it\\'s a-b (c' | title }} {{ 'hello WORLD'.title() }}", "It's A-B (C Hello World")]
    [InlineData("a\n  {% if true %}\n  x\n  {% endif %}\n  {{ 'y' }}\n{# c #}\nz\n", "a\n  x\n  y\nz")]
    [InlineData("a\n  {# c #}  \nb\n{#- x -#}\n  c {{- 'd' -}}  \n e", "a\n  \nbcde")]
    [InlineData("x  {%+ if true %}y{% endif +%}\nz", "x  y\nz")]
    [InlineData("{% raw %}\n {{ a }}{% endraw %}\nq", "\n {{ a }}q")]
    [InlineData("{{ undefined_thing }}|{{ undefined_thing|length }}|{{ undefined_thing is sequence }}|{{ none is number }}|{{ true is number }}", "|0|True|False|True")]
    [InlineData("{% for i in [1,2] %}{% if i==1 %}{% set x = 5 %}{% endif %}[{{ x }}]{% endfor %}({{x}})", "[5][]()")]
    [InlineData("{% set x = 1 %}{% macro m() %}{{ x }}{% endmacro %}{% set x = 2 %}{{ m() }}", "2")]
    [InlineData("{{ {'a':1}|tojson(indent=2) }} {{ [1,[2,3],{}]|tojson(indent=2) }} {{ '<é>'|tojson }} {{ 1.0|tojson }}",
        "{\n  \"a\": 1\n} [\n  1,\n  [\n    2,\n    3\n  ],\n  {}\n] \"<é>\" 1.0")]
    [InlineData("{{ 'a b  c'.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a,b,c'.split(',', 1) }} {{ '  x '.strip() }}|{{ 'xxaxx'.strip('x') }}",
        "['a', 'b', 'c'] ['a', 'b', '', 'c'] ['a', 'b,c'] x|a")]
    [InlineData("{{ 'Hello'|length }} {{ '🙂a👩‍💻'|length }} {{ '🙂a👩‍💻'[1] }} {{ '🙂ab'|reverse }}", "5 5 a ba🙂")]
    [InlineData("{{ range(3) }} {{ namespace(a=1) }} {{ {'a': 1}.items() }}", "range(0, 3) <Namespace {'a': 1}> dict_items([('a', 1)])")]
    [InlineData("{{ 'a\u200db\\n' ~ (['a\u200db\\n', 'x\"y', \"q'\"]|string) }}", "a\u200db\n['a\\u200db\\n', 'x\"y', \"q'\"]")]
    [InlineData("{{ {'a': {'b': 1}} }}", "{'a': {'b': 1}}")]
    [InlineData("{{ '%s and %s'|format('a', 1) }}{{ {'b': 1, 'A': 2, 'c': 0}|dictsort }}{{ {'b': 1, 'a': 2}|dictsort(by='value', reverse=true) }}",
        "a and 1[('A', 2), ('b', 1), ('c', 0)][('a', 2), ('b', 1)]")]
    [InlineData("{{ '{}-{}'.format(1, 'a') }}{{ '{0}{1}{0}'.format('x', 2) }}{{ '{name}!{{}}'.format(name='n') }}[{{ 'abc'.center(6, '*') }}]",
        "1-ax2xn!{}[*abc**]")]
    [InlineData("{{ [{'role': 'u'}]|map(attribute='missing')|list }}{{ '%d chars, %s' % (3, none) }}", "[Undefined]3 chars, None")]
    [InlineData("{{ false|select|list }}{{ 0.5 is odd }}{{ 3.0 is odd }}{{ (1, 'x') * 2 }}{{ 'plain' % [1] }}", "[]FalseTrue(1, 'x', 1, 'x')plain")]
    // Scoping found by comparing random statement nests with render.py: a set block and a loop's else block have their
    // own scope; the else block runs when no iteration finished its body (continue counts as not finishing), and a
    // break in it leaves the enclosing loop.
    [InlineData("{% set c %}{% set b = 1 %}{% endset %}[{{ b }}]{% for i in [1, 2] %}{% if true %}{% continue %}{% endif %}{% else %}E{% endfor %}"
        + "{% for i in [1] %}{% for j in [] %}{% else %}{% break %}{% endfor %}x{% endfor %}{% for i in [] %}{% else %}{% set z = 1 %}{% endfor %}[{{ z }}]",
        "[]E[]")]
    [InlineData("{{ 1 // 0.1 }} {{ -7.5 // 2 }} {{ 'straße ﬁne İ ΟΔΟΣ ǆemal'|upper }}|{{ 'ΟΔΟΣ İ'|lower }}|{{ 'ǆemal ΟΔΟΣ'.title() }}|{{ 'e\u0301f a'|wordcount }}",
        "9.0 -4.0 STRASSE FINE İ ΟΔΟΣ ǄEMAL|οδος i\u0307|ǅemal Οδος|3")]
    public void Renders_as_python_jinja(string template, string expected)
    {
        Assert.Equal(expected, ChatTemplate.Parse(template).Render(new Dictionary<string, object?>()).Text);
    }

    [Fact]
    public void A_parsed_template_renders_many_times_independently()
    {
        var template = ChatTemplate.Parse("{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}");
        for (var n = 0; n < 3; n++)
        {
            var messages = Enumerable.Range(0, n).Select(i => (object?)new Dictionary<string, object?> { ["content"] = i.ToString() }).ToList();
            Assert.Equal(n.ToString(), template.Render(new Dictionary<string, object?> { ["messages"] = messages }).Text);
        }
    }
}
