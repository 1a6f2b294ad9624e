"""Results: a company's score and holes, the member benchmark, round reports, charts and exports."""
