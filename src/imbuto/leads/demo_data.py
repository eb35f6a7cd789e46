"""Word lists for the demo generator (`imbuto demo`): people, places and companies by country.

Plain data so the generator stays short. Places are real cities with real postal codes; people and
companies are invented by combining these lists.
"""

from __future__ import annotations

# country: (weight, language, personal mail domains, web TLD, legal forms)
COUNTRIES: dict[str, tuple[int, str, tuple[str, ...], str, tuple[str, ...]]] = {
    "IT": (64, "it", ("gmail.com", "libero.it", "virgilio.it", "outlook.it"), "it",
           ("S.r.l.", "S.r.l.", "S.p.A.", "S.n.c.", "S.a.s.", "S.r.l.s.")),
    "DE": (7, "de", ("gmail.com", "web.de", "gmx.de"), "de", ("GmbH", "GmbH", "AG", "KG")),
    "FR": (6, "fr", ("gmail.com", "orange.fr", "free.fr"), "fr", ("SAS", "SARL", "SA")),
    "ES": (5, "es", ("gmail.com", "hotmail.es"), "es", ("S.L.", "S.A.")),
    "NL": (3, "nl", ("gmail.com", "ziggo.nl"), "nl", ("B.V.", "N.V.")),
    "BE": (2, "fr", ("gmail.com", "skynet.be"), "be", ("SRL", "SA", "BV")),
    "AT": (3, "de", ("gmail.com", "gmx.at"), "at", ("GmbH", "AG")),
    "CH": (3, "de", ("gmail.com", "bluewin.ch"), "ch", ("AG", "GmbH", "SA")),
    "GB": (4, "en", ("gmail.com", "outlook.com", "btinternet.com"), "co.uk", ("Ltd", "Ltd", "plc")),
    "US": (3, "en", ("gmail.com", "yahoo.com", "outlook.com"), "com", ("Inc.", "LLC", "Corp.")),
}

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "IT": ("Marco", "Giulia", "Alessandro", "Francesca", "Luca", "Chiara", "Matteo", "Sara", "Andrea",
           "Valentina", "Davide", "Elena", "Stefano", "Martina", "Giorgio", "Federica", "Paolo",
           "Silvia", "Roberto", "Alessia", "Simone", "Laura", "Fabio", "Ilaria", "Nicola", "Marta",
           "Riccardo", "Beatrice", "Lorenzo", "Anna", "Gabriele", "Elisa", "Tommaso", "Serena",
           "Massimo", "Roberta", "Emanuele", "Cristina", "Pietro", "Caterina", "Niccolò", "Lucia"),
    "DE": ("Lukas", "Anna", "Jonas", "Lea", "Maximilian", "Sophie", "Felix", "Hannah", "Jürgen",
           "Katrin", "Stefan", "Julia", "Tobias", "Miriam"),
    "FR": ("Louis", "Camille", "Hugo", "Chloé", "Julien", "Manon", "Nicolas", "Élodie", "Antoine",
           "Pauline", "Mathieu", "Céline"),
    "ES": ("Javier", "Lucía", "Alejandro", "María", "Pablo", "Carmen", "Sergio", "Laura", "Álvaro",
           "Marta"),
    "NL": ("Daan", "Emma", "Sem", "Sanne", "Bram", "Lotte", "Joris", "Fleur"),
    "BE": ("Arthur", "Louise", "Lucas", "Olivia", "Thomas", "Marie", "Wout", "Elise"),
    "AT": ("Florian", "Lena", "Matthias", "Sarah", "Georg", "Theresa"),
    "CH": ("Noah", "Mia", "Reto", "Nadia", "Urs", "Corinne", "Luca", "Seraina"),
    "GB": ("Oliver", "Amelia", "George", "Isla", "Harry", "Emily", "James", "Charlotte", "William",
           "Sophie"),
    "US": ("Michael", "Jennifer", "David", "Jessica", "Chris", "Ashley", "Daniel", "Emily", "Ryan",
           "Megan"),
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "IT": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
           "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
           "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi",
           "Caruso", "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli",
           "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
           "Parisi", "Villa", "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso",
           "Valentini", "Messina", "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna",
           "Farina", "Rizzi", "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza",
           "Testa", "Grassi", "Pellegrino", "Carbone", "Giuliani", "Benedetti", "Barone", "Rossetti",
           "Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore", "Zanetti"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann"),
    "FR": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Fournier"),
    "ES": ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez",
           "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz"),
    "NL": ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
           "Visser", "Smit", "Meijer", "de Boer", "Mulder"),
    "BE": ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
           "Dubois", "Lambert"),
    "AT": ("Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer",
           "Leitner"),
    "CH": ("Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Meyer", "Schneider", "Steiner",
           "Brunner", "Bernasconi", "Favre"),
    "GB": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
           "Robinson", "Wright", "Thompson", "Evans", "Walker", "White"),
    "US": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
           "Anderson", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Thompson", "Clark"),
}

# (city, postal code, province or region)
CITIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "IT": (("Milano", "20121", "MI"), ("Milano", "20135", "MI"), ("Roma", "00184", "RM"),
           ("Roma", "00144", "RM"), ("Torino", "10121", "TO"), ("Bologna", "40121", "BO"),
           ("Firenze", "50123", "FI"), ("Napoli", "80133", "NA"), ("Bari", "70121", "BA"),
           ("Verona", "37121", "VR"), ("Padova", "35122", "PD"), ("Brescia", "25121", "BS"),
           ("Bergamo", "24121", "BG"), ("Modena", "41121", "MO"), ("Parma", "43121", "PR"),
           ("Reggio Emilia", "42121", "RE"), ("Vicenza", "36100", "VI"), ("Treviso", "31100", "TV"),
           ("Genova", "16121", "GE"), ("Palermo", "90133", "PA"), ("Catania", "95131", "CT"),
           ("Cagliari", "09124", "CA"), ("Trento", "38122", "TN"), ("Udine", "33100", "UD"),
           ("Ancona", "60121", "AN"), ("Perugia", "06121", "PG"), ("Lecce", "73100", "LE"),
           ("Monza", "20900", "MB"), ("Como", "22100", "CO"), ("Prato", "59100", "PO")),
    "DE": (("Berlin", "10115", "Berlin"), ("München", "80331", "Bayern"),
           ("Hamburg", "20095", "Hamburg"), ("Stuttgart", "70173", "Baden-Württemberg"),
           ("Köln", "50667", "Nordrhein-Westfalen"), ("Frankfurt am Main", "60311", "Hessen")),
    "FR": (("Paris", "75008", "Île-de-France"), ("Lyon", "69002", "Auvergne-Rhône-Alpes"),
           ("Marseille", "13001", "Provence-Alpes-Côte d'Azur"), ("Toulouse", "31000", "Occitanie"),
           ("Nice", "06000", "Provence-Alpes-Côte d'Azur"), ("Lille", "59000", "Hauts-de-France")),
    "ES": (("Madrid", "28013", "Madrid"), ("Barcelona", "08002", "Cataluña"),
           ("Valencia", "46002", "Comunidad Valenciana"), ("Sevilla", "41001", "Andalucía"),
           ("Bilbao", "48001", "País Vasco")),
    "NL": (("Amsterdam", "1012 AB", "Noord-Holland"), ("Rotterdam", "3011 AA", "Zuid-Holland"),
           ("Utrecht", "3511 AA", "Utrecht"), ("Eindhoven", "5611 AA", "Noord-Brabant")),
    "BE": (("Bruxelles", "1000", "Bruxelles-Capitale"), ("Antwerpen", "2000", "Antwerpen"),
           ("Gent", "9000", "Oost-Vlaanderen"), ("Liège", "4000", "Liège")),
    "AT": (("Wien", "1010", "Wien"), ("Graz", "8010", "Steiermark"), ("Linz", "4020", "Oberösterreich"),
           ("Innsbruck", "6020", "Tirol")),
    "CH": (("Zürich", "8001", "ZH"), ("Lugano", "6900", "TI"), ("Basel", "4051", "BS"),
           ("Genève", "1204", "GE"), ("Bern", "3011", "BE")),
    "GB": (("London", "EC1A 1BB", "England"), ("Manchester", "M1 1AE", "England"),
           ("Edinburgh", "EH1 1YZ", "Scotland"), ("Bristol", "BS1 4DJ", "England"),
           ("Leeds", "LS1 4AP", "England")),
    "US": (("New York", "10001", "NY"), ("Boston", "02108", "MA"), ("Chicago", "60601", "IL"),
           ("Austin", "78701", "TX"), ("San Francisco", "94105", "CA"), ("Seattle", "98101", "WA")),
}

# street pattern per country: {n} is a house number, {s} a street name
STREETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "IT": ("{s}, {n}", ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Via Dante",
                        "Viale Europa", "Via Cavour", "Via Verdi", "Piazza della Libertà",
                        "Via dell'Industria", "Via dell'Artigianato", "Via Marconi", "Via Volta")),
    "DE": ("{s} {n}", ("Hauptstraße", "Bahnhofstraße", "Industriestraße", "Gartenstraße")),
    "FR": ("{n} {s}", ("rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Pasteur")),
    "ES": ("{s}, {n}", ("Calle Mayor", "Avenida de la Constitución", "Calle Real", "Gran Vía")),
    "NL": ("{s} {n}", ("Kerkstraat", "Stationsweg", "Dorpsstraat", "Industrieweg")),
    "BE": ("{s} {n}", ("Rue de la Loi", "Kerkstraat", "Avenue Louise", "Stationsstraat")),
    "AT": ("{s} {n}", ("Hauptplatz", "Bahnhofstraße", "Mariahilfer Straße", "Ringstraße")),
    "CH": ("{s} {n}", ("Bahnhofstrasse", "Via Nassa", "Rue du Rhône", "Marktgasse")),
    "GB": ("{n} {s}", ("High Street", "Station Road", "Church Lane", "Victoria Road")),
    "US": ("{n} {s}", ("Main Street", "Oak Avenue", "Market Street", "Park Avenue")),
}

# company name parts: a stem (sometimes a surname) and an activity word
COMPANY_WORDS: dict[str, tuple[str, ...]] = {
    "IT": ("Meccanica", "Officine", "Tecnologie", "Impianti", "Sistemi", "Logistica", "Costruzioni",
           "Serramenti", "Elettronica", "Plastiche", "Alimentari", "Consulting", "Informatica",
           "Automazione", "Stampi", "Packaging", "Energia", "Trasporti", "Arredamenti", "Tessile"),
    "en": ("Systems", "Logistics", "Engineering", "Solutions", "Foods", "Manufacturing",
           "Analytics", "Industries", "Components", "Energy"),
    "de": ("Maschinenbau", "Logistik", "Technik", "Systeme", "Anlagenbau", "Elektronik"),
    "fr": ("Conseil", "Industrie", "Logistique", "Technologies", "Services", "Ingénierie"),
    "es": ("Ingeniería", "Logística", "Sistemas", "Tecnología", "Industrias"),
    "nl": ("Logistics", "Techniek", "Installaties", "Systems"),
}

INDUSTRIES = ("Manufacturing", "Food & beverage", "Logistics", "Construction", "Retail",
              "Software", "Professional services", "Healthcare", "Energy", "Automotive",
              "Fashion & textiles", "Hospitality", "Financial services", "Education")

JOB_TITLES = ("CEO", "General manager", "Purchasing manager", "Operations manager", "CFO",
              "IT manager", "Plant manager", "Head of marketing", "Sales director", "Owner",
              "Office manager", "Procurement specialist", "HR manager", "Technical director",
              "Amministratore delegato", "Responsabile acquisti", "Titolare", "Direttore tecnico")
