"""Word lists for the bench organisation's people and casework: fictional, Brussels-like.

Names come with their spellings (DOMAIN.md §9): Mohamed / Mohammed / Muhammad, El Amrani /
Elamrani / Al-Amrani, Ştefănescu with a cedilla or a comma... so that a search exercises the
variant keys as it does in a real file. Each spelling has a weight: how often it is written.
"""

# fmt: off
MALE_FIRST_NAMES: tuple[tuple[str, float], ...] = (
    ("Mohamed", 10), ("Mohammed", 6), ("Mohamad", 2), ("Muhammad", 2), ("Mohammad", 2),
    ("Mouhamed", 1), ("Ahmed", 4), ("Ahmad", 2), ("Youssef", 3), ("Yusuf", 2), ("Youcef", 1),
    ("Hassan", 2), ("Hasan", 1), ("Omar", 2), ("Karim", 2), ("Rachid", 2), ("Rashid", 1),
    ("Said", 2), ("Saïd", 1), ("Mustapha", 2), ("Mustafa", 2), ("Ibrahim", 2), ("Brahim", 1),
    ("Abdelkader", 1), ("Abdulkadir", 1), ("Bilal", 2), ("Ayoub", 2), ("Mehdi", 2),
    ("Ilyas", 2), ("Ilias", 1), ("Soufiane", 1), ("Sofiane", 1), ("Khalid", 1), ("Khaled", 1),
    ("Hussein", 1), ("Hussain", 1), ("Jamal", 1), ("Djamel", 1), ("Younes", 1), ("Ali", 3),
    ("Jan", 2), ("Jean", 2), ("Pierre", 1), ("Michel", 2), ("Luc", 1), ("Thomas", 1),
    ("David", 2), ("Daniel", 2), ("Nicolas", 1), ("Kevin", 1), ("Dirk", 1), ("Bart", 1),
    ("Patrick", 2), ("Marc", 2), ("Philippe", 1), ("Jozef", 1), ("Joseph", 1), ("Ion", 2),
    ("Gheorghe", 1), ("Vasile", 1), ("Florin", 1), ("Ionuț", 1), ("Ionut", 1),
    ("Constantin", 1), ("Georgi", 1), ("Gueorgui", 1), ("Dimitar", 1), ("Hristo", 1),
    ("Christo", 1), ("Nikolay", 1), ("Nikolai", 1), ("Ivan", 2), ("Jean-Pierre", 1),
    ("Patrice", 1), ("Mamadou", 2), ("Moussa", 1), ("Ousmane", 1), ("Boubacar", 1),
    ("Amadou", 1), ("Serge", 1), ("Christian", 1), ("Piotr", 1), ("Tomasz", 1),
    ("Krzysztof", 1), ("Abdul", 1), ("Tesfay", 1), ("Yonas", 1), ("Samuel", 1), ("Habib", 1),
)
FEMALE_FIRST_NAMES: tuple[tuple[str, float], ...] = (
    ("Fatima", 4), ("Fatma", 2), ("Fatimah", 1), ("Khadija", 2), ("Khadidja", 1), ("Aicha", 2),
    ("Aïcha", 1), ("Aisha", 1), ("Meryem", 1), ("Maryam", 2), ("Mariam", 1), ("Zineb", 1),
    ("Zainab", 1), ("Yasmina", 1), ("Yasmine", 2), ("Naima", 1), ("Imane", 1), ("Leila", 1),
    ("Layla", 1), ("Salma", 1), ("Houda", 1), ("Nadia", 2), ("Sara", 2), ("Amina", 2),
    ("Samira", 1), ("Malika", 1), ("Hafsa", 1), ("Chaima", 1), ("Marie", 2), ("Anne", 1),
    ("Sophie", 1), ("Emma", 1), ("Laura", 1), ("Lotte", 1), ("Els", 1), ("Martine", 1),
    ("Nathalie", 1), ("Isabelle", 1), ("Maria", 2), ("Elena", 1), ("Ioana", 1), ("Mihaela", 1),
    ("Florentina", 1), ("Ana", 1), ("Desislava", 1), ("Mariya", 1), ("Aminata", 1),
    ("Fatoumata", 1), ("Grace", 1), ("Esther", 1), ("Agnieszka", 1), ("Anna", 1), ("Tigist", 1),
)
LAST_NAMES: tuple[tuple[str, float], ...] = (
    ("El Amrani", 3), ("Elamrani", 1), ("Al-Amrani", 1), ("El Idrissi", 2), ("Elidrissi", 1),
    ("Benali", 3), ("Ben Ali", 1), ("Bennani", 1), ("Haddad", 1), ("Alaoui", 1),
    ("Aït Ahmed", 1), ("Ait Ahmed", 1), ("Aitahmed", 1), ("Bouzid", 1), ("El Khattabi", 1),
    ("Azzouzi", 1), ("Boukhari", 1), ("Ouali", 1), ("Chaouki", 1), ("Ziani", 1), ("Tahiri", 1),
    ("Mansouri", 1), ("Belkacem", 1), ("Peeters", 3), ("Janssens", 3), ("Maes", 2),
    ("Jacobs", 2), ("Mertens", 2), ("Willems", 2), ("Claes", 2), ("Goossens", 1),
    ("Wouters", 2), ("Dubois", 3), ("Lambert", 2), ("Martin", 2), ("Dupont", 2), ("Simon", 1),
    ("Laurent", 1), ("Leclercq", 1), ("Renard", 1), ("Vermeulen", 1), ("Van den Bossche", 1),
    ("Vandenbossche", 1), ("De Smet", 1), ("Desmet", 1), ("Van Damme", 1), ("Popescu", 2),
    ("Ionescu", 1), ("Popa", 1), ("Ștefănescu", 1), ("Ştefănescu", 1), ("Constantinescu", 1),
    ("Dumitru", 1), ("Rusu", 1), ("Ivanov", 1), ("Georgiev", 1), ("Zhivkov", 1), ("Jivkov", 1),
    ("Petrov", 1), ("Dimitrov", 1), ("Yılmaz", 1), ("Yilmaz", 1), ("Kaya", 1), ("Demir", 1),
    ("Şahin", 1), ("Sahin", 1), ("Aydın", 1), ("Aydin", 1), ("Mukendi", 1), ("Tshibangu", 1),
    ("Ilunga", 1), ("Kalonji", 1), ("Mbuyi", 1), ("Kabongo", 1), ("Lukusa", 1), ("Diallo", 2),
    ("Bah", 1), ("Barry", 1), ("Sow", 1), ("Camara", 1), ("Traoré", 1), ("Traore", 1),
    ("Ndiaye", 1), ("Kowalski", 1), ("Nowak", 1), ("Wiśniewski", 1), ("Tesfaye", 1),
    ("Gebremedhin", 1), ("Al-Hassan", 1), ("Haidari", 1), ("Ahmadi", 2),
)
NICKNAMES: tuple[str, ...] = (
    "Momo", "Le Grand", "Petit", "Dédé", "Mimi", "Tonton", "Papi", "Mamie", "Le Poète",
    "Chico", "Bebel", "Nono", "Lulu", "Didi", "Jojo", "Titi", "Coco", "Rasta", "Le Prof",
    "Zizou", "Bobo", "Kiki", "La Reine", "Le Chat", "Mama", "Pépé", "Samy", "Fred",
)
NATIONALITIES: tuple[tuple[str, float], ...] = (
    ("Belge", 35), ("Marocaine", 15), ("Roumaine", 8), ("Bulgare", 4), ("Congolaise (RDC)", 4),
    ("Guinéenne", 3), ("Syrienne", 3), ("Afghane", 3), ("Érythréenne", 3), ("Turque", 3),
    ("Polonaise", 3), ("Algérienne", 3), ("Française", 3), ("Inconnue", 10),
)
LANGUAGES: tuple[str, ...] = (
    "français", "néerlandais", "arabe", "darija", "tamazight", "roumain", "bulgare", "turc",
    "lingala", "anglais", "polonais", "tigrinya", "pashto", "dari", "peul",
)
STREETS: tuple[str, ...] = (
    "rue de Ribaucourt", "chaussée de Gand", "rue Heyvaert", "boulevard Léopold II",
    "rue de Flandre", "place Communale", "rue Vandenpeereboom", "chaussée de Ninove",
    "rue des Quatre-Vents", "quai de Mariemont", "rue du Comte de Flandre",
)
LEFT_REASONS: tuple[str, ...] = (
    "A trouvé un logement stable", "Parti vers une autre ville", "Suivi repris par un autre "
    "service", "Plus de contact depuis plusieurs mois", "Retour au pays", "Hospitalisation de "
    "longue durée",
)
FOLLOW_UP_REASONS: tuple[str, ...] = (
    "Rencontré en rue", "Orienté par le CPAS", "Demande de logement", "Accès aux soins",
    "Ouverture de droits", "Signalement d'un riverain", "Orienté par un partenaire",
)
END_REASONS: tuple[str, ...] = (
    "Relais vers une autre équipe", "Objectifs atteints", "Plus de contact",
    "Déménagement hors du quartier",
)

PROCEDURE_DOMAINS: tuple[tuple[str, float], ...] = (
    ("cpas", 25), ("identity", 15), ("health_insurance", 15), ("housing", 15), ("finances", 10),
    ("employment", 8), ("mobility", 4), ("justice", 4), ("other", 4),
)
PROCEDURE_TITLES: dict[str, tuple[str, ...]] = {
    "cpas": ("Demande de revenu d'intégration", "Demande d'aide médicale urgente",
             "Demande d'adresse de référence", "Aide sociale équivalente", "Prime d'installation",
             "Garantie locative CPAS"),
    "identity": ("Renouvellement de la carte d'identité", "Déclaration de perte",
                 "Demande de passeport au consulat", "Inscription à la commune",
                 "Régularisation 9bis", "Annexe 15"),
    "health_insurance": ("Affiliation à une mutuelle", "Carte médicale", "Statut BIM",
                         "Remboursement de soins", "Réaffiliation après interruption"),
    "housing": ("Inscription logement social", "Dossier AIS", "Candidature Housing First",
                "Recherche de logement", "Médiation avec le propriétaire"),
    "finances": ("Ouverture d'un compte bancaire", "Plan de paiement", "Médiation de dettes",
                 "Allocations familiales"),
    "employment": ("Inscription Actiris", "Formation en néerlandais", "Contrat article 60",
                   "Inscription VDAB"),
    "mobility": ("Tarif préférentiel STIB", "Abonnement réduit"),
    "justice": ("Avocat pro deo", "Suivi d'une amende", "Contact maison de justice"),
    "other": ("Récupération d'affaires", "Démarche administrative diverse"),
}
OUTCOMES: tuple[str, ...] = (
    "Accordé", "Refusé, recours introduit", "Refusé", "Dossier complet transmis",
    "Accordé partiellement", "Abandonné à la demande de la personne",
)

PARTNER_KINDS: tuple[tuple[str, str], ...] = (
    ("cpas", "CPAS de {commune}"),
    ("health", "Maison médicale {commune}"),
    ("mental_health", "Service de santé mentale {commune}"),
    ("addictions", "Centre d'accueil bas seuil {commune}"),
    ("housing", "Agence immobilière sociale {commune}"),
    ("employment", "Mission locale {commune}"),
    ("legal", "Permanence juridique {commune}"),
    ("basic_needs", "Restaurant social {commune}"),
    ("debt", "Service de médiation de dettes {commune}"),
    ("youth", "Maison de jeunes {commune}"),
)
COMMUNES: tuple[str, ...] = (
    "Molenbeek-Saint-Jean", "Anderlecht", "Bruxelles", "Schaerbeek", "Saint-Gilles",
    "Saint-Josse-ten-Noode", "Forest", "Ixelles", "Koekelberg", "Jette", "Laeken",
    "Evere", "Etterbeek", "Uccle", "Ganshoren", "Berchem-Sainte-Agathe",
)
REFERRAL_REASONS: tuple[str, ...] = (
    "Accès aux soins", "Ouverture de droits", "Recherche de logement", "Besoin d'un avocat",
    "Consultation en santé mentale", "Aide alimentaire", "Plan de paiement des dettes",
    "Formation et emploi",
)
REFUSAL_REASONS: tuple[str, ...] = (
    "Pas de place avant plusieurs mois", "Hors de leur zone", "Ne correspond pas à leurs "
    "critères",
)

# Journal texts are built from these sentences; a pool of distinct texts is encrypted once.
NOTE_SENTENCES: tuple[str, ...] = (
    "Rencontré près de la gare, il dit dormir dans un squat depuis deux semaines.",
    "Elle a apporté le courrier du CPAS, nous l'avons lu ensemble.",
    "Entretien calme, il souhaite reprendre contact avec sa fille.",
    "Douleurs au pied gauche, orienté vers la maison médicale.",
    "Il a perdu sa carte d'identité, déclaration à faire à la police.",
    "Accompagnement à la commune pour l'adresse de référence.",
    "Elle a reçu une réponse positive pour la mutuelle.",
    "Consommation en hausse ces derniers jours, il en parle ouvertement.",
    "Convocation au tribunal le mois prochain, contact pris avec l'avocat.",
    "Titre de séjour expiré, rendez-vous à prendre à l'Office des étrangers.",
    "Appel de la personne : elle a trouvé une chambre à Anderlecht.",
    "Pas présent au rendez-vous, à recontacter cette semaine.",
    "Ik heb hem gezien aan het kanaal, hij had het koud.",
    "Zij vraagt hulp voor haar huurachterstand.",
    "Discussion sur le budget : le loyer absorbe presque tout le revenu.",
    "Il dort mal et se sent isolé depuis le départ de son ami.",
    "Visite au domicile : le chauffage ne fonctionne toujours pas.",
    "Elle souhaite suivre une formation en néerlandais.",
    "Nous avons rempli ensemble le formulaire Actiris.",
    "Le propriétaire menace d'expulsion, médiation proposée.",
    "Bonne nouvelle : le revenu d'intégration est accordé.",
    "Il a besoin de chaussures et d'un sac de couchage.",
    "Relais fait avec l'équipe de nuit pour la semaine prochaine.",
    "Elle a repris contact avec le service de santé mentale.",
)
# fmt: on

# Street work (lien/bench/street.py).
# fmt: off
ATMOSPHERES: tuple[str, ...] = (
    "Calme", "Calme, peu de monde", "Tendu après un contrôle de police", "Beaucoup de jeunes",
    "Animé, match de foot", "Pluie, peu de monde", "Ramadan, soirée animée",
    "Tensions entre deux groupes", "Bonne ambiance", "Fatigue, chaleur", "Fête de quartier",
)
LOGBOOK_SENTENCES: tuple[str, ...] = (
    "Tournée habituelle par le parc puis la place.",
    "Plusieurs jeunes nous ont demandé des nouvelles du tournoi.",
    "Présence policière importante autour de la station.",
    "Discussion longue avec un groupe sur l'école et les stages.",
    "Deux nouvelles personnes rencontrées, à revoir.",
    "Le snack a fermé plus tôt, le groupe s'est déplacé vers l'agora.",
    "Rappel des horaires de la permanence à plusieurs jeunes.",
    "Un habitant s'est plaint du bruit en soirée.",
    "Peu de monde à cause de la pluie, passage rapide.",
    "Passage au local des mamans, invitation à la réunion du jeudi.",
)
ENCOUNTER_NOTES: tuple[str, ...] = (
    "Cherche un stage pour septembre.",
    "Parle de tensions à la maison.",
    "Demande des infos sur le tournoi de mini-foot.",
    "A reçu un courrier du CPAS qu'il ne comprend pas.",
    "Veut reprendre une formation.",
    "Inquiet pour un ami qui ne sort plus.",
    "Amende de la STIB, à voir à la permanence.",
    "A quitté l'école depuis deux mois.",
    "Propose de venir à l'activité de samedi.",
    "Se plaint des contrôles répétés.",
)
OBSERVATION_SENTENCES: tuple[str, ...] = (
    "Groupe d'une quinzaine de jeunes sur les bancs jusqu'à la nuit.",
    "Seringues trouvées près de l'entrée du parc.",
    "Éclairage en panne sur toute la longueur de la place.",
    "Deal visible en fin d'après-midi près de la station.",
    "Nouvelle maison de jeunes ouverte, horaires affichés.",
    "Dispute entre deux groupes, calmée avant notre arrivée.",
    "Familles nombreuses au parc, enfants seuls en soirée.",
    "Dépôts clandestins d'encombrants au coin de la rue.",
    "Agora occupée par des adultes, les plus jeunes n'y vont plus.",
    "Riverains inquiets du bruit des scooters.",
    "Contrôle de police, les jeunes se dispersent.",
    "Ambiance calme, échanges avec les commerçants.",
)
MEDIATION_PARTIES: tuple[str, ...] = (
    "Un groupe de jeunes et le gérant du snack.",
    "Des riverains et des jeunes qui jouent au foot le soir.",
    "Deux groupes de jeunes de quartiers voisins.",
    "Des jeunes et une patrouille de police.",
    "Une commerçante et des adolescents devant sa vitrine.",
    "Des locataires et les jeunes du hall d'entrée.",
)
MEDIATION_ACTIONS: tuple[str, ...] = (
    "Rencontre de chaque partie séparément, puis discussion commune.",
    "Proposition d'horaires pour l'usage de l'agora.",
    "Rappel du cadre, écoute des deux versions.",
    "Mise en lien avec le service de médiation communal.",
    "Accompagnement des jeunes au commissariat pour une rencontre.",
)
MEDIATION_OUTCOMES: tuple[str, ...] = (
    "Accord trouvé sur les horaires.",
    "Tensions apaisées, à suivre.",
    "Pas d'accord, nouvelle rencontre prévue.",
    "Le commerçant accepte que les jeunes restent jusqu'à 21 h.",
    "Situation stable depuis.",
)
# fmt: on
