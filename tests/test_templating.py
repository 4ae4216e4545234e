"""Templates' url_for: the navigation links a worker builds once are the links Flask builds."""
from flask import render_template_string, url_for

LINKS = ("{{ url_for('public.about') }} {{ url_for('static', filename='css/site.css') }} "
         "{{ url_for('admin.member', member_id=7) }} {{ url_for('public.about', _external=True) }}")


def test_remembered_links_are_flasks_links(app):
    with app.test_request_context("/"):
        expected = " ".join([url_for("public.about"), url_for("static", filename="css/site.css"),
                             url_for("admin.member", member_id=7), url_for("public.about", _external=True)])
        assert render_template_string(LINKS) == expected
        assert render_template_string(LINKS) == expected   # built once, then remembered


def test_a_site_under_a_path_prefix_gets_its_own_links(app):
    with app.test_request_context("/"):
        render_template_string(LINKS)                   # remember the links of the site at the root
    with app.test_request_context("/", base_url="http://localhost/members/"):
        assert render_template_string(LINKS).split() == [
            "/members/about", "/members/static/css/site.css", "/members/staff/members/7",
            "http://localhost/members/about"]


def test_links_with_values_are_built_each_time(app):
    with app.test_request_context("/"):
        pages = [render_template_string("{{ url_for('admin.member', member_id=n) }}", n=n) for n in (1, 2)]
    assert pages == ["/staff/members/1", "/staff/members/2"]
