"""The item-analysis page and its CSV, with attempts whose answers are known.

Six people take the six-question quiz (all six drawn). Everyone gets "Week" right; five of six get
"Capital" right (not person 0); only person 5 gets "Sky" right; the rest everyone gets wrong.
Scores: person 0 one of six (16.67), persons 1-4 two of six (33.33), person 5 three (50).
Thirds of 6 attempts hold 2: bottom = persons 0 and 1, top = persons 4 and 5 (ties keep the order
the attempts were made in). So:

    Capital  facility 5/6 = 83 %  D = mean(1, 1) - mean(0, 1) = 0.50
    Sky      facility 1/6 = 17 %  D = mean(0, 1) - mean(0, 0) = 0.50  too hard; "true" (wrong) chosen 5 times
    Week     facility 6/6 = 100 % D = 0                               too easy
"""
import csv
import io
import re

from sqlalchemy import select

from advocacy.core.clock import utcnow
from advocacy.core.db import db
from advocacy.core.transaction import unit_of_work
from advocacy.learning.models.quizzes import QuizQuestion
from advocacy.learning.services import quizzes as services

from ..conftest import login
from ..factories import create_user
from ..quizzes.factories import answer_sheet, start

RIGHT = {0: {"Week"}, 1: {"Week", "Capital"}, 2: {"Week", "Capital"}, 3: {"Week", "Capital"},
         4: {"Week", "Capital"}, 5: {"Week", "Capital", "Sky"}}


def take_answering(user, course, right_titles: set[str], seed: int):
    attempt = start(user, course, seed=seed)
    titles = {q.id: q.data["title"] for q in db.session.scalars(select(QuizQuestion))}
    numbers = {number for number, item in enumerate(attempt.items, 1) if titles[item["id"]] in right_titles}
    with unit_of_work():
        return services.submit_attempt(attempt, answer_sheet(attempt, numbers), utcnow())


def take_six(course, count=6):
    for person in range(count):
        user = create_user(f"person{person}@example.com", f"Person {person}")
        take_answering(user, course, RIGHT[person], seed=person + 1)


def row_of(page: str, title: str) -> str:
    rows = re.findall(r"<tr id=\"item-\d+\">.*?</tr>", page, re.S)
    return next(row for row in rows if title in row)


def test_the_page_shows_the_figures_of_known_answers(client, course, author):
    take_six(course)
    login(client, author)
    page = client.get("/studio/banks/basic/analysis").get_data(as_text=True)
    assert "Version 1: 6 attempts, mean score 33%." in page
    capital = row_of(page, "Capital")
    assert "<td class=\"num\" data-facility>83%</td>" in capital
    assert "<td class=\"num\" data-discrimination>0.50</td>" in capital
    sky = row_of(page, "Sky")
    assert "data-facility>17%" in sky and "data-discrimination>0.50" in sky
    assert 'data-flag="too_hard"' in sky and 'data-flag="wrong_beats_right"' in sky
    assert "<li>true: 5</li>" in sky and "<li>false: 1</li>" in sky
    week = row_of(page, "Week")
    assert "data-facility>100%" in week and "data-discrimination>0.00" in week and 'data-flag="too_easy"' in week
    assert "person0" not in page and "Person 0" not in page  # never per person


def test_the_csv_has_the_same_figures(client, course, author):
    take_six(course)
    login(client, author)
    response = client.get("/studio/banks/basic/analysis.csv")
    assert response.mimetype == "text/csv"
    rows = {row[2]: row for row in csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))}
    assert rows["Capital"][3:6] == ["6", "0.833", "0.5"]
    assert rows["Sky"][4:6] == ["0.167", "0.5"] and "too_hard" in rows["Sky"][8]
    assert rows["Week"][4] == "1.0" and "too_easy" in rows["Week"][8]


def test_fewer_than_five_attempts_show_nothing(client, course, author):
    take_six(course, count=4)
    login(client, author)
    page = client.get("/studio/banks/basic/analysis").get_data(as_text=True)
    assert "fewer than 5 attempts handed in" in page
    assert "data-facility" not in page
