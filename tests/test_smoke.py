from django.urls import reverse


def test_the_login_page_answers_anonymous_users(client, db):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert b'name="login"' in response.content


def test_today_greets_a_logged_in_member_with_their_teams(client, social_worker, team):
    client.force_login(social_worker)
    response = client.get(reverse("web:today"))
    assert response.status_code == 200
    assert team.name in response.content.decode()
