"""Who may take which tier (contract; the courses feature fills it in).

tier_status(...) is a pure function over plain values; eligibility_for(user, now) gathers those
values from the database for one person in a fixed number of queries.
"""
