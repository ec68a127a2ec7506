/* test_script: the setup-file parser (sh words, quoting, heredocs, redirections, errors). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cli/script.h"

static struct script parse_ok(const char *text)
{
	struct script s;
	struct strbuf err = STRBUF_INIT;
	int rc = script_parse(text, strlen(text), &s, &err);

	if (rc)
		fail_msg("unexpected error: %s", sb_str(&err));
	sb_release(&err);
	return s;
}

static void expect_error(const char *text, const char *want)
{
	struct script s;
	struct strbuf err = STRBUF_INIT;

	assert_int_not_equal(script_parse(text, strlen(text), &s, &err), 0);
	if (strcmp(sb_str(&err), want))
		fail_msg("error '%s', wanted '%s'", sb_str(&err), want);
	assert_int_equal(s.n, 0);
	sb_release(&err);
}

static void test_words_and_quotes(void **state)
{
	struct script s = parse_ok("#!/bin/sh\n\n# comment\n"
				   "iptables -A INPUT -m comment --comment \"a \\\"b\\\" $ c\" \\\n"
				   "   -j LOG --log-prefix 'x  y ' # trailing\n"
				   "echo a\\ b \"c\\d\" x#y ''\n");

	assert_int_equal(s.n, 2);
	assert_int_equal(s.cmds[0].line, 4);
	assert_int_equal(s.cmds[0].argc, 11);
	assert_string_equal(s.cmds[0].argv[6], "a \"b\" $ c");
	assert_string_equal(s.cmds[0].argv[10], "x  y ");
	assert_null(s.cmds[0].argv[11]);
	assert_int_equal(s.cmds[1].line, 6);
	assert_int_equal(s.cmds[1].argc, 5);
	assert_string_equal(s.cmds[1].argv[1], "a b");
	assert_string_equal(s.cmds[1].argv[2], "c\\d");
	assert_string_equal(s.cmds[1].argv[3], "x#y");
	assert_string_equal(s.cmds[1].argv[4], "");
	script_free(&s);
}

static void test_heredocs(void **state)
{
	struct script s = parse_ok("iptables-restore <<'EOF'\n*filter\n-A INPUT -j ACCEPT $x\nCOMMIT\nEOF\n"
				   "ip6tables-restore <<-END\n\t*filter\n\t\\$y\n\tEND\n"
				   "iptables-restore < rules.v4 2>/dev/null >/dev/null || true\n");

	assert_int_equal(s.n, 3);
	assert_string_equal(s.cmds[0].input, "*filter\n-A INPUT -j ACCEPT $x\nCOMMIT\n");
	assert_int_equal(s.cmds[0].input_len, strlen(s.cmds[0].input));
	assert_string_equal(s.cmds[1].input, "*filter\n$y\n");
	assert_int_equal(s.cmds[1].line, 6);
	assert_int_equal(s.cmds[2].line, 10);
	assert_string_equal(s.cmds[2].input_file, "rules.v4");
	assert_true(s.cmds[2].discard_err && s.cmds[2].discard_out && s.cmds[2].may_fail);
	script_free(&s);
}

static void test_errors(void **state)
{
	expect_error("ip a\niptables -L | grep x\n", "2:13: pipes are not supported in a setup file");
	expect_error("a; b\n", "1:2: ';' is not supported in a setup file (one command a line)");
	expect_error("a && b\n", "1:3: '&&' is not supported in a setup file (one command a line)");
	expect_error("echo $HOME\n", "1:6: variables and $-expansions are not supported in a setup file");
	expect_error("X=1 ip a\n", "1:1: variable assignments are not supported in a setup file");
	expect_error("echo \"abc\n", "1:6: unterminated double quote");
	expect_error("ip a > out\n", "1:11: output can only be redirected to /dev/null in a setup file");
	expect_error("a || false\n", "1:11: only '|| true' is supported after '||'");
	expect_error("r <<EOF\n$x\nEOF\n",
		     "2:1: expansions in a here-document are not supported (quote the delimiter: <<'EOF')");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_and_quotes),
		cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
